using Workflows.Storage;

namespace Workflows.Tests.Hosting;

public class StorageOptionsTests
{
    [Fact]
    public void Validate_ConnectionString_IsEnough()
        => new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }.Validate().ShouldBeEmpty();

    [Fact]
    public void Validate_AllThreeEndpoints_UseIdentity()
    {
        var options = new StorageOptions
        {
            BlobServiceUri = new Uri("https://acct.blob.core.windows.net"),
            QueueServiceUri = new Uri("https://acct.queue.core.windows.net"),
            TableServiceUri = new Uri("https://acct.table.core.windows.net"),
        };
        options.Validate().ShouldBeEmpty();
        options.UsesIdentity.ShouldBeTrue();
    }

    [Fact]
    public void Validate_NothingConfigured_SaysWhatToSet()
        => new StorageOptions().Validate().ShouldHaveSingleItem().ShouldContain("ConnectionString");

    [Fact]
    public void Validate_OneEndpointMissing_IsRejected()
        => new StorageOptions
        {
            BlobServiceUri = new Uri("https://acct.blob.core.windows.net"),
            QueueServiceUri = new Uri("https://acct.queue.core.windows.net"),
        }.Validate().ShouldHaveSingleItem().ShouldContain("TableServiceUri");

    [Theory]
    [InlineData("")]
    [InlineData("9lives")]
    [InlineData("wf_test")]
    public void Validate_BadTablePrefix_NamesTheField(string prefix)
        => new StorageOptions { ConnectionString = "UseDevelopmentStorage=true", TablePrefix = prefix }
            .Validate().ShouldHaveSingleItem().ShouldContain("TablePrefix");
}

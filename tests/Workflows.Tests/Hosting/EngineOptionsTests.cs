using Workflows.Hosting;

namespace Workflows.Tests.Hosting;

public class EngineOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValid() => new EngineOptions().Validate().ShouldBeEmpty();

    [Theory]
    [InlineData("ab", "TaskHubName")]
    [InlineData("1hub", "TaskHubName")]
    [InlineData("task-hub", "TaskHubName")]
    [InlineData("averyveryveryveryveryveryveryveryverylongname1", "TaskHubName")]
    public void Validate_BadTaskHubName_NamesTheField(string name, string field)
        => new EngineOptions { TaskHubName = name }.Validate().ShouldHaveSingleItem().ShouldContain(field);

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    public void Validate_PartitionCountOutOfRange_NamesTheField(int partitions)
        => new EngineOptions { PartitionCount = partitions }.Validate().ShouldHaveSingleItem().ShouldContain("PartitionCount");

    [Fact]
    public void Validate_BatchSizeOverQueueLimit_NamesTheField()
        => new EngineOptions { ControlQueueBatchSize = 33 }.Validate().ShouldHaveSingleItem().ShouldContain("ControlQueueBatchSize");

    [Fact]
    public void Validate_ZeroConcurrency_IsRejected()
        => new EngineOptions { MaxConcurrentActivities = 0 }.Validate().ShouldHaveSingleItem().ShouldContain("concurrency");
}

using System.Security.Cryptography;
using Workflows.Applications;
using Workflows.Orchestration;
using Workflows.Templates;

namespace Workflows.IntegrationTests.Bundles;

/// <summary>Uploaded materials are checked for type, size, content and hash, and only their owner can cite them.</summary>
[Collection(BundleCollectionDefinition.Name)]
public sealed class MaterialUploadTests(StorageFixture storage) : IAsyncLifetime
{
    static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46];
    static readonly MaterialDefinition Photo = BuiltInTemplates.Get("newborn").Materials.Single(m => m.Key == "babyPhoto");
    BundleHarness harness = null!;

    public async Task InitializeAsync() => harness = await BundleHarness.StartAsync(storage, "upl");

    public async Task DisposeAsync() => await harness.DisposeAsync();

    public static TheoryData<string, string, byte[], string?, string, string> BadUploads => new()
    {
        { "type the material does not take", "application/zip", Jpeg, null, "contentType", "upload.contentType" },
        { "png bytes sent as jpeg", "image/jpeg", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], null, "content", "upload.contentMismatch" },
        { "empty file", "image/jpeg", [], null, "content", "upload.empty" },
        { "hash that does not match", "image/jpeg", Jpeg, new string('0', 64), "sha256", "upload.hashMismatch" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task Upload_BadFile_IsRefusedNamingTheField(string name, string contentType, byte[] bytes, string? sha, string field, string code)
    {
        using var content = new MemoryStream(bytes);
        var (upload, problem) = await harness.Uploads.UploadAsync("citizen-u", Photo, contentType, content, sha);
        upload.ShouldBeNull(name);
        problem.ShouldNotBeNull(name);
        problem.Field.ShouldBe(field, name);
        problem.Code.ShouldBe(code, name);
    }

    [Fact]
    public async Task Upload_OverTheLimit_IsCutOffAndNothingIsKept()
    {
        var big = new byte[Photo.Upload!.MaxBytes + 1];
        Jpeg.CopyTo(big, 0);
        using var content = new MemoryStream(big);
        var (upload, problem) = await harness.Uploads.UploadAsync("citizen-u", Photo, "image/jpeg", content, null);
        upload.ShouldBeNull();
        problem!.Code.ShouldBe("upload.tooLarge");
    }

    [Fact]
    public async Task Upload_GoodFile_IsStoredWithSizeAndHash()
    {
        using var content = new MemoryStream(Jpeg);
        var (upload, problem) = await harness.Uploads.UploadAsync("citizen-u", Photo, "image/jpeg; charset=binary", content, Convert.ToHexStringLower(SHA256.HashData(Jpeg)));
        problem.ShouldBeNull();
        upload!.Size.ShouldBe(Jpeg.Length);
        upload.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Jpeg)));
        upload.ContentType.ShouldBe("image/jpeg");
        (await harness.Uploads.GetAsync("citizen-u", upload.Reference))!.MaterialKey.ShouldBe("babyPhoto");
        (await harness.Uploads.GetAsync("someone-else", upload.Reference)).ShouldBeNull();
    }

    [Fact]
    public async Task Upload_MaterialThatIsNeverUploaded_IsRefused()
    {
        var idCards = BuiltInTemplates.Get("newborn").Materials.Single(m => m.Key == "parentsIdCards");
        using var content = new MemoryStream(Jpeg);
        var (_, problem) = await harness.Uploads.UploadAsync("citizen-u", idCards, "image/jpeg", content, null);
        problem!.Code.ShouldBe("upload.notAllowed");
    }

    [Fact]
    public async Task Submit_CitingAnotherPersonsUpload_IsRefusedInTheNotice()
    {
        var theirs = await harness.UploadAsync("citizen-owner", "newborn", "babyPhoto");
        var request = new SubmissionRequest("newborn", new Applicant("citizen-thief", ApplicantKind.Citizen, "X"),
            BundleHarness.Answers(new { babyName = "x" }), [new MaterialProvision("babyPhoto", ProvisionKind.Upload, theirs)]);
        var result = await harness.Applications.SubmitAsync(request, "upl-thief");
        result.Accepted.ShouldBeFalse();
        result.Problems.ShouldContain(p => p.Path == "materials.babyPhoto" && p.Code == "material.upload.unknown");
        (await harness.Client.GetInstanceAsync("upl-thief")).ShouldBeNull();
    }
}

using System.Text;
using System.Text.Json;
using Workflows.Storage;

namespace Workflows.Tests.Storage;

public class TableEntityLimitsTests
{
    static JsonElement Entity(params (string Name, object Value)[] properties)
    {
        var all = new Dictionary<string, object> { ["PartitionKey"] = "p", ["RowKey"] = "r" };
        foreach (var (name, value) in properties)
        {
            all[name] = value;
        }

        return JsonSerializer.SerializeToElement(all);
    }

    [Fact]
    public void Check_StringOf32KiCharacters_Fits_OneMoreIsRefusedNamingTheProperty()
    {
        TableEntityLimits.Check(Entity(("Record", new string('办', TableEntityLimits.MaxStringChars)))).ShouldBeNull();

        var problem = TableEntityLimits.Check(Entity(("Record", new string('办', TableEntityLimits.MaxStringChars + 1)))).ShouldNotBeNull();
        problem.ErrorCode.ShouldBe("PropertyValueTooLarge");
        problem.Property.ShouldBe("Record");
        problem.Status.ShouldBe(400);
    }

    [Fact]
    public void Check_EntityOfExactlyOneMiB_Fits_TwoBytesMoreIsRefused()
    {
        // 4 + 2*("p"+"r") = 8; each full property "Pnn" of 32Ki chars = 8 + 2*3 + 4 + 2*32768 = 65554.
        static JsonElement Sized(int lastChars)
        {
            var properties = Enumerable.Range(0, 15).Select(i => ($"P{i:D2}", (object)new string('x', TableEntityLimits.MaxStringChars))).ToList();
            properties.Add(("P15", new string('x', lastChars)));
            return Entity([.. properties]);
        }

        var last = (TableEntityLimits.MaxEntityBytes - 8 - (15 * 65554) - 8 - 6 - 4) / 2;
        last.ShouldBe(32620);
        TableEntityLimits.Check(Sized(last)).ShouldBeNull();
        var problem = TableEntityLimits.Check(Sized(last + 1)).ShouldNotBeNull();
        problem.ErrorCode.ShouldBe("EntityTooLarge");
        problem.Message.ShouldContain("1048578");
    }

    [Fact]
    public void Check_252PropertiesBesidesTheSystemOnes_Fit_OneMoreIsRefused()
    {
        var fits = Enumerable.Range(0, 252).Select(i => ($"C{i}", (object)i)).ToArray();
        TableEntityLimits.Check(Entity(fits)).ShouldBeNull();

        var problem = TableEntityLimits.Check(Entity([.. fits, ("C252", 1)])).ShouldNotBeNull();
        problem.ErrorCode.ShouldBe("TooManyProperties");
    }

    [Fact]
    public void Check_TypeAnnotationsAndNulls_AreNoProperties()
    {
        var fits = Enumerable.Range(0, 252).Select(i => ($"C{i}", (object)i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Concat(Enumerable.Range(0, 252).Select(i => ($"C{i}@odata.type", (object)"Edm.Int64")))
            .Append(("odata.etag", "W/\"x\""))
            .Append(("Timestamp", "2026-01-01T00:00:00Z"))
            .ToArray();
        TableEntityLimits.Check(Entity(fits)).ShouldBeNull();
    }

    [Fact]
    public void Check_BinaryOf64KiB_Fits_OneByteMoreIsRefused()
    {
        TableEntityLimits.Check(Entity(("Blob", Convert.ToBase64String(new byte[TableEntityLimits.MaxBinaryBytes])), ("Blob@odata.type", "Edm.Binary"))).ShouldBeNull();

        var problem = TableEntityLimits.Check(Entity(("Blob", Convert.ToBase64String(new byte[TableEntityLimits.MaxBinaryBytes + 1])), ("Blob@odata.type", "Edm.Binary"))).ShouldNotBeNull();
        problem.ErrorCode.ShouldBe("PropertyValueTooLarge");
        problem.Property.ShouldBe("Blob");
    }

    [Fact]
    public void Check_PropertyNameOf255Characters_Fits_256IsRefused()
    {
        TableEntityLimits.Check(Entity((new string('n', 255), 1))).ShouldBeNull();
        TableEntityLimits.Check(Entity((new string('n', 256), 1))).ShouldNotBeNull().ErrorCode.ShouldBe("PropertyNameTooLong");
    }

    [Theory]
    [InlineData("PartitionKey")]
    [InlineData("RowKey")]
    public void KeyProblem_1024Characters_Fit_1025AreRefused(string name)
    {
        TableEntityLimits.KeyProblem(name, new string('k', TableEntityLimits.MaxKeyChars)).ShouldBeNull();
        var problem = TableEntityLimits.KeyProblem(name, new string('k', TableEntityLimits.MaxKeyChars + 1)).ShouldNotBeNull();
        problem.ErrorCode.ShouldBe("KeyValueTooLarge");
        problem.Property.ShouldBe(name);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0000b")]
    [InlineData("a\u001Fb")]
    [InlineData("a\u007Fb")]
    [InlineData("a\u009Fb")]
    public void Check_ForbiddenKeyCharacter_IsRefused(string key)
    {
        var entity = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["PartitionKey"] = "p", ["RowKey"] = key });
        TableEntityLimits.Check(entity).ShouldNotBeNull().ErrorCode.ShouldBe("OutOfRangeInput");
    }

    [Theory]
    [InlineData("a\u00A0b")]
    [InlineData("申请:app-1|birth%2F")]
    public void Check_AllowedKeyCharacters_Fit(string key)
    {
        var entity = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["PartitionKey"] = key, ["RowKey"] = key });
        TableEntityLimits.Check(entity).ShouldBeNull();
    }

    [Fact]
    public void Check_EscapedKeys_AlwaysFit()
    {
        var raw = new string([.. Enumerable.Range(0, 0xA0).Select(i => (char)i)]);
        var entity = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["PartitionKey"] = TableKeys.Escape(raw), ["RowKey"] = "r" });
        TableEntityLimits.Check(entity).ShouldBeNull();
    }

    static byte[] Batch(params string[] entities)
    {
        var sb = new StringBuilder("--batch_1\r\nContent-Type: multipart/mixed; boundary=changeset_1\r\n\r\n");
        foreach (var entity in entities)
        {
            sb.Append("--changeset_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
              .Append("POST http://127.0.0.1:10002/devstoreaccount1/wfAudit HTTP/1.1\r\nAccept: application/json\r\nContent-Type: application/json\r\n\r\n")
              .Append(entity).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(sb.Append("--changeset_1--\r\n--batch_1--\r\n").ToString());
    }

    [Fact]
    public void CheckBody_Transaction_ChecksEveryEntityAndNamesItsTable()
    {
        var small = JsonSerializer.Serialize(new { PartitionKey = "p", RowKey = "1", Detail = "办" });
        var big = JsonSerializer.Serialize(new { PartitionKey = "p", RowKey = "2", Detail = new string('x', TableEntityLimits.MaxStringChars + 1) });
        TableLimitsPolicy.CheckBody("/devstoreaccount1/$batch", "multipart/mixed; boundary=batch_1", Batch(small, small)).ShouldBeNull();

        var problem = TableLimitsPolicy.CheckBody("/devstoreaccount1/$batch", "multipart/mixed; boundary=batch_1", Batch(small, big)).ShouldNotBeNull();
        problem.Property.ShouldBe("Detail");
        problem.Table.ShouldBe("wfAudit");
    }

    [Fact]
    public void CheckBody_TransactionOf101Operations_IsRefused()
    {
        var one = JsonSerializer.Serialize(new { PartitionKey = "p", RowKey = "1" });
        TableLimitsPolicy.CheckBody("/$batch", "multipart/mixed; boundary=batch_1", Batch([.. Enumerable.Repeat(one, 100)])).ShouldBeNull();
        TableLimitsPolicy.CheckBody("/$batch", "multipart/mixed; boundary=batch_1", Batch([.. Enumerable.Repeat(one, 101)])).ShouldNotBeNull().ErrorCode.ShouldBe("InvalidInput");
    }

    [Fact]
    public void CheckBody_SingleEntity_NamesTheTableFromThePath()
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { PartitionKey = "p", RowKey = "r", Record = new string('x', TableEntityLimits.MaxStringChars + 1) });
        var problem = TableLimitsPolicy.CheckBody("/devstoreaccount1/wfApplications(PartitionKey='p',RowKey='r')", "application/json; odata=nometadata", body).ShouldNotBeNull();
        problem.Table.ShouldBe("wfApplications");
        problem.Message.ShouldContain("Record");
        TableLimitsPolicy.CheckBody("/devstoreaccount1/Tables", "application/json", "{\"TableName\":\"wfX\"}"u8).ShouldBeNull();
    }
}

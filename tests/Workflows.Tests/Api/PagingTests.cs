using System.Text;
using Microsoft.AspNetCore.Http;
using Workflows.Api;

namespace Workflows.Tests.Api;

/// <summary>The one envelope's paging: continuations bound to their list, refused when tampered, pages that meet end to end.</summary>
public sealed class PagingTests
{
    [Fact]
    public void Encode_ThenDecode_SameListGivesTheKeyBack()
    {
        var token = Paging.Encode("applications:-submittedAt", "0001|app-1");

        Paging.TryDecode("applications:-submittedAt", token, out var key).ShouldBeTrue();
        key.ShouldBe("0001|app-1");
        // URL-safe as it stands: it goes into a next link without escaping.
        token.ShouldAllBe(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_');
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryDecode_NoToken_TheFirstPage(string? token)
    {
        Paging.TryDecode("audit", token, out var key).ShouldBeTrue();
        key.ShouldBeNull();
    }

    [Fact]
    public void TryDecode_AnotherListsOrOrdersToken_Refused()
    {
        var token = Paging.Encode("applications:-submittedAt", "k");

        Paging.TryDecode("applications:submittedAt", token, out _).ShouldBeFalse();
        Paging.TryDecode("licences", token, out _).ShouldBeFalse();
    }

    public static TheoryData<string> Tampered() => new()
    {
        "not a token",
        "%%%",
        "abc+/=",
        Convert.ToBase64String(Encoding.UTF8.GetBytes("p1\naudit\nk")) + "!",
        // Well-formed base64url, but not ours: another version, no key, no separators, bytes that are not UTF-8.
        B64("p0\naudit\nk"),
        B64("p1\naudit\n"),
        B64("p1audit"),
        Convert.ToBase64String([0xC3, 0x28, 0xFF]).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        new string('A', Paging.MaxContinuation + 4),
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void TryDecode_Tampered_RefusedNeverThrows(string token) =>
        Paging.TryDecode("audit", token, out _).ShouldBeFalse();

    [Fact]
    public void Slice_PagesMeetEndToEnd_WhatWasAddedBeforeTheCursorIsNotRepeated()
    {
        var request = Request("/api/admin/audit", "?subject=a&pageSize=2");
        var items = new List<string> { "a", "b", "c", "d", "e" };

        var first = Paging.Slice(items, i => i, "audit", null, 2, request);
        first.Items.ShouldBe(["a", "b"]);
        Paging.TryDecode("audit", first.Continuation, out var after).ShouldBeTrue();
        first.Next.ShouldBe("/api/admin/audit?subject=a&pageSize=2&continuation=" + first.Continuation);

        // An item added before the cursor, one after: the next page starts where the last ended.
        items.Add("0");
        items.Add("f");
        var second = Paging.Slice(items, i => i, "audit", after, 2, request);
        second.Items.ShouldBe(["c", "d"]);
        Paging.TryDecode("audit", second.Continuation, out after).ShouldBeTrue();

        var last = Paging.Slice(items, i => i, "audit", after, 2, request);
        last.Items.ShouldBe(["e", "f"]);
        last.Continuation.ShouldBeNull();
        last.Next.ShouldBeNull();
    }

    [Fact]
    public void NextLink_ReplacesTheContinuationKeepsEveryFilterEscaped()
    {
        var link = Paging.NextLink(Request("/api/admin/applications", "?applicantName=%E7%8E%8B&continuation=old&status=inProgress"), "new");

        link.ShouldBe("/api/admin/applications?applicantName=%E7%8E%8B&status=inProgress&continuation=new");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("201")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("ten")]
    public void Size_OutOfBounds_NamesPageSize(string size)
    {
        var errors = new List<ApiError>();

        Paging.Size(Request("/x", "?pageSize=" + size).Query, errors);

        errors.ShouldHaveSingleItem().Field.ShouldBe("query:pageSize");
    }

    [Fact]
    public void Newest_OrdersLaterFirst_Oldest_EarlierFirst()
    {
        var early = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var late = early.AddTicks(1);

        string.CompareOrdinal(Paging.Newest(late), Paging.Newest(early)).ShouldBeLessThan(0);
        string.CompareOrdinal(Paging.Oldest(early), Paging.Oldest(late)).ShouldBeLessThan(0);
    }

    static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static HttpRequest Request(string path, string query) =>
        new DefaultHttpContext { Request = { Path = path, QueryString = new QueryString(query) } }.Request;
}

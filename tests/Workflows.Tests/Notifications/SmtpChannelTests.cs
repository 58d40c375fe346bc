using System.Net.Mail;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workflows.Notifications;
using Workflows.Templates;
using Workflows.Testing;

namespace Workflows.Tests.Notifications;

/// <summary>
/// The SMTP channel against <see cref="FakeSmtpServer"/> (a mail relay is an outside system): who gets the message,
/// what it says (Chinese intact), and that a refusal or a server that is down is an exception the notifier retries.
/// </summary>
public sealed class SmtpChannelTests
{
    const string From = "notify@workflows.example";
    const string WangAddress = "wang@citizens.example";
    const string HospitalAddress = "officers@hospital.example";
    const string HospitalSupervisors = "supervisors@hospital.example";

    static readonly Notification ToWang = new("app-1:refused", RecipientKind.Applicant, "citizen-wang", NotificationTopics.Refused,
        "未予受理 Not accepted", "您的新生儿出生“一件事”申请未予受理：请补充宝宝照片（babyPhoto）。\r\nEverything to put right, at once.",
        new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc), "app-1");

    [Fact]
    public async Task SendAsync_RecipientWithAnAddress_MailsItThereWithSubjectBodyAndIdInUtf8()
    {
        await using var server = FakeSmtpServer.Start();

        await Channel(server.Port).SendAsync(ToWang, CancellationToken.None);

        var message = server.Messages.ShouldHaveSingleItem();
        message.To.ShouldBe([WangAddress]);
        message.From.ShouldBe(From);
        message.Subject.ShouldBe(ToWang.Title);
        message.Body.ShouldBe(ToWang.Body);
        message.Header(SmtpChannel.IdHeader).ShouldBe(ToWang.Id);
        message.Header("Content-Type")!.ShouldContain("utf-8", Case.Insensitive);
        // Nothing outside ASCII goes over the wire raw: a 7-bit relay cannot mangle it.
        message.Data.ShouldAllBe(c => c < 128);
    }

    [Fact]
    public async Task SendAsync_Bilingual_SubjectAndBodyInBothLanguagesChineseFirstAndSeparated()
    {
        await using var server = FakeSmtpServer.Start();
        var notice = Notification.Of("app-2:refused", RecipientKind.Applicant, "citizen-wang", NotificationTopics.Refused,
            new LocalText("未予受理", "Not accepted"), new LocalText("请补充宝宝照片。", "Add the baby's photo."), ToWang.At, "app-2");

        await Channel(server.Port).SendAsync(notice, CancellationToken.None);

        var message = server.Messages.ShouldHaveSingleItem();
        message.Subject.ShouldBe("未予受理 / Not accepted");
        message.Body.ShouldBe("请补充宝宝照片。" + Notification.BodySeparator + "Add the baby's photo.");
    }

    [Fact]
    public async Task SendAsync_TitleWithALineBreak_SentWithTheBreakAsASpace()
    {
        await using var server = FakeSmtpServer.Start();

        await Channel(server.Port).SendAsync(ToWang with { Title = "未予受理\nNot accepted" }, CancellationToken.None);

        server.Messages.ShouldHaveSingleItem().Subject.ShouldBe("未予受理 Not accepted");
    }

    [Fact]
    public async Task SendAsync_EscalationWhenOnlyTheDepartmentHasAnAddress_MailsNobody()
    {
        await using var server = FakeSmtpServer.Start();
        var escalation = new Notification("app-1:item:n002", RecipientKind.Supervisor, "hospital", NotificationTopics.Escalation,
            "Overdue: 出生医学证明", "Passed its due time.", ToWang.At, "app-1", "birth-certificate");

        await Channel(server.Port, supervisors: false).SendAsync(escalation, CancellationToken.None);
        await Channel(server.Port, supervisors: false).SendAsync(escalation with { Kind = RecipientKind.Department, Topic = NotificationTopics.Reminder }, CancellationToken.None);

        // Supervisors alone see escalations; the officers' mailbox must not get them for want of a supervisors' address.
        server.Messages.ShouldHaveSingleItem().To.ShouldBe([HospitalAddress]);
    }

    [Fact]
    public async Task SendAsync_EscalationWithASupervisorsAddress_MailsTheSupervisorsOnly()
    {
        await using var server = FakeSmtpServer.Start();
        var escalation = new Notification("app-1:item:n002", RecipientKind.Supervisor, "hospital", NotificationTopics.Escalation,
            "Overdue", "Passed its due time.", ToWang.At, "app-1", "birth-certificate");

        await Channel(server.Port).SendAsync(escalation, CancellationToken.None);

        server.Messages.ShouldHaveSingleItem().To.ShouldBe([HospitalSupervisors]);
    }

    [Fact]
    public async Task SendAsync_ApplicantWhoseIdIsADepartmentCode_NotSentTheDepartmentsMail()
    {
        await using var server = FakeSmtpServer.Start();

        await Channel(server.Port).SendAsync(ToWang with { Recipient = "hospital" }, CancellationToken.None);

        server.Messages.ShouldBeEmpty();
    }

    [Fact]
    public async Task SendAsync_ServerRefusesTheRecipient_ThrowsAndNothingIsKept()
    {
        await using var server = FakeSmtpServer.Start();
        server.RejectWith("550 5.1.1 mailbox unavailable");

        await Should.ThrowAsync<SmtpException>(() => Channel(server.Port).SendAsync(ToWang, CancellationToken.None));

        server.Refused.ShouldBe(1);
        server.Messages.ShouldBeEmpty();
    }

    [Fact]
    public async Task SendAsync_ServerDown_Throws()
    {
        var server = FakeSmtpServer.Start();
        var port = server.Port;
        await server.DisposeAsync();

        await Should.ThrowAsync<SmtpException>(() => Channel(port).SendAsync(ToWang, CancellationToken.None));
    }

    [Theory]
    [InlineData("Applicant", "not an address")]
    [InlineData("Officers", WangAddress)]
    [InlineData("7", WangAddress)]
    public void Validate_BadAddressOrKind_NamesTheKey(string kind, string address)
    {
        var options = Options(25).Value;
        options.Addresses[kind] = new Dictionary<string, string>(StringComparer.Ordinal) { ["someone"] = address };

        options.Validate().ShouldContain(p => p.Contains($"Addresses:{kind}", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_FromNotAnAddress_Refused()
    {
        var options = Options(25).Value;
        options.Smtp.From = "workflows";

        options.Validate().ShouldContain(p => p.Contains("From", StringComparison.Ordinal));
        Options(25).Value.Validate().ShouldBeEmpty();
    }

    static SmtpChannel Channel(int port, bool supervisors = true) =>
        new(Options(port, supervisors), NullLogger<SmtpChannel>.Instance);

    static IOptions<NotificationOptions> Options(int port, bool supervisors = true)
    {
        var options = new NotificationOptions { Smtp = new SmtpChannelOptions { Enabled = true, Host = FakeSmtpServer.Host, Port = port, From = From } };
        options.Addresses["Applicant"] = new(StringComparer.Ordinal) { ["citizen-wang"] = WangAddress };
        options.Addresses["Department"] = new(StringComparer.Ordinal) { ["hospital"] = HospitalAddress };
        if (supervisors)
        {
            options.Addresses["Supervisor"] = new(StringComparer.Ordinal) { ["hospital"] = HospitalSupervisors };
        }

        return Microsoft.Extensions.Options.Options.Create(options);
    }
}

using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Notifications;

/// <summary>
/// E-mails each notification through an SMTP server to the recipient's address from
/// <see cref="NotificationOptions.Addresses"/> (<c>Notifications:Addresses:{kind}:{recipient}</c>). A recipient with no
/// address configured is not e-mailed, and that counts as delivered: there is nothing to retry. Any refusal by the
/// server (a 4xx or 5xx answer) or a server that cannot be reached throws, so the notification stays pending.
/// </summary>
/// <param name="options">The notification options.</param>
/// <param name="logger">The logger.</param>
public sealed class SmtpChannel(IOptions<NotificationOptions> options, ILogger<SmtpChannel> logger) : INotificationChannel
{
    /// <summary>The header carrying the notification's id, for receivers to de-duplicate a retried message.</summary>
    public const string IdHeader = "X-Workflows-Notification";

    /// <inheritdoc />
    public string Name => "smtp";

    /// <inheritdoc />
    public bool IsEnabled => options.Value.Smtp.Enabled;

    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var settings = options.Value;
        if (settings.AddressOf(notification.Kind, notification.Recipient) is not { } address)
        {
            NotificationLog.NoAddress(logger, notification.Kind, notification.Recipient, notification.Id);
            return;
        }

        // The recipient's language is not known here: both, Chinese first (Notification.BothTitle/BothBody). UTF-8 everywhere, the body in base64 so no server or relay that
        // only passes 7-bit text can mangle it. A subject may not hold a line break (MailMessage throws on one).
        using var message = new MailMessage(new MailAddress(settings.Smtp.From!), new MailAddress(address))
        {
            Subject = notification.BothTitle().ReplaceLineEndings(" "),
            SubjectEncoding = Encoding.UTF8,
            Body = notification.BothBody(),
            BodyEncoding = Encoding.UTF8,
            BodyTransferEncoding = TransferEncoding.Base64,
            HeadersEncoding = Encoding.UTF8,
        };
        message.Headers.Add(IdHeader, notification.Id);
        using var client = new SmtpClient(settings.Smtp.Host, settings.Smtp.Port) { EnableSsl = settings.Smtp.EnableSsl };
        if (!string.IsNullOrEmpty(settings.Smtp.UserName))
        {
            client.Credentials = new NetworkCredential(settings.Smtp.UserName, settings.Smtp.Password);
        }

        await client.SendMailAsync(message, cancellationToken);
    }
}

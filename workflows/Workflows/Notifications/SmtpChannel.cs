using System.Net;
using System.Net.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Notifications;

/// <summary>
/// E-mails each notification through an SMTP server to the recipient's address from
/// <see cref="NotificationOptions.Addresses"/> (<c>Notifications:Addresses:{recipient}</c>). A recipient with no
/// address configured is not e-mailed, and that counts as delivered: there is nothing to retry.
/// </summary>
/// <param name="options">The notification options.</param>
/// <param name="logger">The logger.</param>
public sealed class SmtpChannel(IOptions<NotificationOptions> options, ILogger<SmtpChannel> logger) : INotificationChannel
{
    /// <inheritdoc />
    public string Name => "smtp";

    /// <inheritdoc />
    public bool IsEnabled => options.Value.Smtp.Enabled;

    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var settings = options.Value;
        if (!settings.Addresses.TryGetValue(notification.Recipient, out var address) || string.IsNullOrWhiteSpace(address))
        {
            NotificationLog.NoAddress(logger, notification.Recipient, notification.Id);
            return;
        }

        using var message = new MailMessage(settings.Smtp.From!, address, notification.Title, notification.Body);
        // Receivers de-duplicate a retried message by this id.
        message.Headers.Add("X-Workflows-Notification", notification.Id);
        using var client = new SmtpClient(settings.Smtp.Host, settings.Smtp.Port) { EnableSsl = settings.Smtp.EnableSsl };
        if (!string.IsNullOrEmpty(settings.Smtp.UserName))
        {
            client.Credentials = new NetworkCredential(settings.Smtp.UserName, settings.Smtp.Password);
        }

        await client.SendMailAsync(message, cancellationToken);
    }
}

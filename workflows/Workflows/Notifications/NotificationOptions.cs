using System.Net.Mail;

namespace Workflows.Notifications;

/// <summary>
/// How notifications are delivered (section <c>Notifications</c>): which channels are on, where the webhook and the
/// SMTP server are, the e-mail addresses of recipients, the delivery pipeline's retries and the sweeper's pace.
/// </summary>
public sealed class NotificationOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Notifications";

    /// <summary>The name of the resilience pipeline every delivery runs through.</summary>
    public const string PipelineName = "notifications";

    /// <summary>The log channel (the local default).</summary>
    public LogChannelOptions Log { get; set; } = new();

    /// <summary>The HTTP webhook of an SMS or e-mail gateway.</summary>
    public WebhookChannelOptions Webhook { get; set; } = new();

    /// <summary>An SMTP server.</summary>
    public SmtpChannelOptions Smtp { get; set; } = new();

    /// <summary>
    /// E-mail addresses by kind of recipient and recipient: <c>Notifications:Addresses:{kind}:{recipient}</c>, the kind
    /// one of <see cref="RecipientKind"/> (<c>Applicant:citizen-wang</c>, <c>Department:hospital</c>,
    /// <c>Supervisor:hospital</c>, <c>Administrators:admin</c>). Keyed by kind as well, so a department's supervisors
    /// (who alone see its escalations) have an address of their own, and an applicant whose id is a department's code
    /// is never sent the department's mail. A recipient without one gets no e-mail.
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> Addresses { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The e-mail address of a recipient, or null when none is configured.</summary>
    /// <param name="kind">The kind of recipient.</param>
    /// <param name="recipient">The applicant id, department code or <c>admin</c>.</param>
    /// <returns>The address.</returns>
    public string? AddressOf(RecipientKind kind, string recipient) =>
        Addresses.TryGetValue(kind.ToString(), out var byRecipient) && byRecipient.TryGetValue(recipient, out var address) && !string.IsNullOrWhiteSpace(address)
            ? address
            : null;

    /// <summary>Retries after a failed attempt, within one delivery.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay; later ones back off exponentially.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest one attempt (all channels) may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest one delivery, retries included, may take (it runs inside an activity).</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the sweeper looks for notifications left pending.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a pending notification waits before the sweeper tries it again.</summary>
    public TimeSpan SweepMinAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>After this many attempts in all, a notification is marked failed and left for an administrator.</summary>
    public int GiveUpAfterAttempts { get; set; } = 30;

    /// <summary>
    /// How long before a deferred material's deadline the applicant is reminded, in working days; scaled by
    /// <c>Sla:DayLength</c> like every other engine time.
    /// </summary>
    public double DeferredDueSoonLeadDays { get; set; } = 1;

    /// <summary>Checks the options.</summary>
    /// <returns>The problems found, empty when usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Log.Enabled && !Webhook.Enabled && !Smtp.Enabled)
        {
            problems.Add($"{SectionName}: turn on at least one channel (Log, Webhook or Smtp).");
        }

        if (Webhook.Enabled && (!Uri.TryCreate(Webhook.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"{SectionName}:{nameof(Webhook)}:{nameof(WebhookChannelOptions.Url)} must be an absolute http(s) URL.");
        }

        if (Smtp.Enabled && (string.IsNullOrWhiteSpace(Smtp.Host) || !MailAddress.TryCreate(Smtp.From, out _) || Smtp.Port is < 1 or > 65535))
        {
            problems.Add($"{SectionName}:{nameof(Smtp)} needs Host, Port (1-65535) and From (an e-mail address).");
        }

        // A bad address would fail every attempt until the notification is given up: better refused at start.
        foreach (var (kind, byRecipient) in Addresses)
        {
            if (!Enum.TryParse<RecipientKind>(kind, ignoreCase: true, out _) || int.TryParse(kind, out _))
            {
                problems.Add($"{SectionName}:{nameof(Addresses)}:{kind} is not a kind of recipient ({string.Join(", ", Enum.GetNames<RecipientKind>())}).");
            }

            foreach (var (recipient, address) in byRecipient)
            {
                if (!MailAddress.TryCreate(address, out _))
                {
                    problems.Add($"{SectionName}:{nameof(Addresses)}:{kind}:{recipient} is not an e-mail address.");
                }
            }
        }

        if (MaxRetries is < 0 or > 10 || RetryDelay < TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero || DeliveryTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{SectionName}: MaxRetries 0-10, RetryDelay not negative, AttemptTimeout and DeliveryTimeout above zero.");
        }

        if (SweepInterval <= TimeSpan.Zero || SweepMinAge < TimeSpan.Zero || GiveUpAfterAttempts < 1 || DeferredDueSoonLeadDays < 0)
        {
            problems.Add($"{SectionName}: SweepInterval above zero, SweepMinAge and DeferredDueSoonLeadDays not negative, GiveUpAfterAttempts at least 1.");
        }

        return problems;
    }
}

/// <summary>The log channel's settings.</summary>
public sealed class LogChannelOptions
{
    /// <summary>Writes every notification to the log; on by default, so a laptop shows them.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>The webhook channel's settings.</summary>
public sealed class WebhookChannelOptions
{
    /// <summary>Posts every notification to <see cref="Url"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>The gateway's URL.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// When set, each request is signed: <c>X-Workflows-Signature: sha256=HEX(HMAC-SHA256(secret, "{timestamp}.{body}"))</c>
    /// with the Unix seconds in <c>X-Workflows-Timestamp</c>, as outside systems sign their callbacks to us.
    /// </summary>
    public string? Secret { get; set; }
}

/// <summary>The SMTP channel's settings.</summary>
public sealed class SmtpChannelOptions
{
    /// <summary>Sends an e-mail to every recipient with an address in <see cref="NotificationOptions.Addresses"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>The SMTP server.</summary>
    public string? Host { get; set; }

    /// <summary>Its port.</summary>
    public int Port { get; set; } = 25;

    /// <summary>Use TLS (STARTTLS).</summary>
    public bool EnableSsl { get; set; }

    /// <summary>The sender's address.</summary>
    public string? From { get; set; }

    /// <summary>A user name, when the server wants one.</summary>
    public string? UserName { get; set; }

    /// <summary>Its password.</summary>
    public string? Password { get; set; }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Workflows.Notifications;

/// <summary>Registers notification delivery: options, channels, the webhook's HTTP client and the resilience pipeline.</summary>
public static class NotificationServices
{
    /// <summary>Adds what <see cref="Notifier"/> needs; <see cref="DependencyInjection.AddWorkflows"/> calls it.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Configuration holding the optional <c>Notifications</c> section.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddWorkflowsNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<NotificationOptions>()
            .Bind(configuration.GetSection(NotificationOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Notifications options are invalid: at least one channel on; an enabled webhook needs an http(s) Url; enabled SMTP needs Host, Port and From; Addresses are {kind}:{recipient} = an e-mail address.")
            .ValidateOnStart();
        services.AddHttpClient(WebhookChannel.HttpClientName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannel, LogChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannel, WebhookChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannel, SmtpChannel>());

        // Delivery runs inside the activity of the step that notifies: a gateway that is briefly down (a 503, a
        // reset connection) should cost a retry or two, not the notification, and a gateway that hangs must not hold
        // the step. So: a few retries with exponential backoff and jitter, a timeout per attempt, and a total
        // timeout that bounds the activity; what still fails stays pending for the sweeper.
        services.AddResiliencePipeline(NotificationOptions.PipelineName, (builder, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<IOptions<NotificationOptions>>().Value;
            builder.AddTimeout(o.DeliveryTimeout);
            if (o.MaxRetries > 0)
            {
                builder.AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = o.MaxRetries,
                    Delay = o.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
            }

            builder.AddTimeout(o.AttemptTimeout);
        });
        return services;
    }
}

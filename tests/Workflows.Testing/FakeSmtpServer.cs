using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Testing;

/// <summary>
/// An SMTP server for tests, standing in for a mail relay we do not own: a <see cref="TcpListener"/> on a free
/// loopback port speaking enough SMTP for <c>System.Net.Mail.SmtpClient</c> (EHLO/HELO, MAIL FROM, RCPT TO, DATA,
/// RSET, NOOP, QUIT), keeping every message it accepts. <see cref="RejectWith"/> makes it refuse the next
/// transactions with an answer of our choosing (a 5xx, a 4xx); <see cref="DisposeAsync"/> takes it down, so
/// connections are refused.
/// </summary>
public sealed partial class FakeSmtpServer : IAsyncDisposable
{
    readonly TcpListener listener;
    readonly CancellationTokenSource stopping = new();
    readonly ConcurrentQueue<SmtpMessage> messages = new();
    readonly Task accepting;
    volatile string? rejection;
    int refused;

    FakeSmtpServer(int port)
    {
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>The host to connect to.</summary>
    public static string Host => IPAddress.Loopback.ToString();

    /// <summary>Every message accepted so far, in order.</summary>
    public IReadOnlyList<SmtpMessage> Messages => [.. messages];

    /// <summary>How many transactions were refused by <see cref="RejectWith"/>.</summary>
    public int Refused => Volatile.Read(ref refused);

    /// <summary>Starts a server on a loopback port.</summary>
    /// <param name="port">The port; 0 for a free one. A server taken down comes back on its old port.</param>
    /// <returns>The server.</returns>
    public static FakeSmtpServer Start(int port = 0) => new(port);

    /// <summary>Answers every RCPT TO with <paramref name="reply"/> (e.g. <c>550 5.1.1 mailbox unavailable</c>) until called with null.</summary>
    /// <param name="reply">The whole reply line, its code first; null to accept again.</param>
    public void RejectWith(string? reply) => rejection = reply;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        stopping.Dispose();
    }

    async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            // SMTP lines are ASCII; the message itself is read as bytes and kept as Latin-1 so 8-bit data survives to the decoder.
            using var reader = new StreamReader(stream, Encoding.Latin1, leaveOpen: true);
            using var writer = new StreamWriter(stream, Encoding.ASCII, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 fake-smtp ESMTP ready");
            string? from = null;
            var to = new List<string>();
            while (await reader.ReadLineAsync(stopping.Token) is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-fake-smtp\r\n250 8BITMIME");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 fake-smtp");
                        break;
                    case "MAIL":
                        from = Address(line);
                        to.Clear();
                        await writer.WriteLineAsync("250 2.1.0 OK");
                        break;
                    case "RCPT":
                        if (rejection is { } reply)
                        {
                            Interlocked.Increment(ref refused);
                            await writer.WriteLineAsync(reply);
                            break;
                        }

                        to.Add(Address(line));
                        await writer.WriteLineAsync("250 2.1.5 OK");
                        break;
                    case "DATA":
                        if (from is null || to.Count == 0)
                        {
                            await writer.WriteLineAsync("503 5.5.1 MAIL and RCPT first");
                            break;
                        }

                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(stopping.Token) is { } dataLine && dataLine != ".")
                        {
                            // Dot-stuffing: the client doubled a leading dot.
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        }

                        messages.Enqueue(new SmtpMessage(from, [.. to], data.ToString()));
                        from = null;
                        to.Clear();
                        await writer.WriteLineAsync("250 2.0.0 queued");
                        break;
                    case "RSET":
                        from = null;
                        to.Clear();
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 command not implemented");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the server is stopping.
        }
    }

    static string Address(string line) => AddressPattern().Match(line) is { Success: true } m ? m.Groups[1].Value : string.Empty;

    [GeneratedRegex("<([^>]*)>")]
    private static partial Regex AddressPattern();
}

/// <summary>One message as the fake SMTP server received it, with its MIME decoded for assertions.</summary>
/// <param name="From">The envelope sender (MAIL FROM).</param>
/// <param name="To">The envelope recipients (RCPT TO).</param>
/// <param name="Data">The message as sent after DATA (headers and body), each byte as one Latin-1 character.</param>
public sealed partial record SmtpMessage(string From, IReadOnlyList<string> To, string Data)
{
    /// <summary>A header's raw value (folded lines joined), or null.</summary>
    /// <param name="name">The header's name.</param>
    /// <returns>The value.</returns>
    public string? Header(string name)
    {
        var head = Data[..Math.Max(0, Data.IndexOf("\r\n\r\n", StringComparison.Ordinal))];
        var unfolded = FoldPattern().Replace(head, " ");
        foreach (var line in unfolded.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && string.Equals(line[..colon].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>The subject, RFC 2047 encoded words decoded.</summary>
    public string? Subject => Header("Subject") is { } raw ? DecodeWords(raw) : null;

    /// <summary>The body, decoded by its Content-Transfer-Encoding and charset.</summary>
    public string Body
    {
        get
        {
            var start = Data.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var raw = start < 0 ? string.Empty : Data[(start + 4)..];
            if (raw.EndsWith("\r\n", StringComparison.Ordinal))
            {
                raw = raw[..^2];
            }

            var charset = CharsetPattern().Match(Header("Content-Type") ?? string.Empty) is { Success: true } m ? m.Groups[1].Value : "us-ascii";
            var encoding = Encoding.GetEncoding(charset);
            var bytes = (Header("Content-Transfer-Encoding") ?? "7bit").ToLowerInvariant() switch
            {
                "base64" => Convert.FromBase64String(raw.Replace("\r\n", string.Empty, StringComparison.Ordinal)),
                "quoted-printable" => QuotedPrintable(raw),
                _ => Encoding.Latin1.GetBytes(raw),
            };
            return encoding.GetString(bytes);
        }
    }

    static string DecodeWords(string value)
    {
        // Whitespace between two encoded words is not part of the text (RFC 2047 section 6.2).
        var joined = Regex.Replace(value, @"\?=\s+=\?", "?==?");
        return WordPattern().Replace(joined, m =>
        {
            var encoding = Encoding.GetEncoding(m.Groups[1].Value);
            var text = m.Groups[3].Value;
            var bytes = string.Equals(m.Groups[2].Value, "B", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(text)
                : QuotedPrintable(text.Replace('_', ' '));
            return encoding.GetString(bytes);
        });
    }

    static byte[] QuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        var soft = text.Replace("=\r\n", string.Empty, StringComparison.Ordinal);
        for (var i = 0; i < soft.Length; i++)
        {
            if (soft[i] == '=' && i + 2 < soft.Length && Uri.IsHexDigit(soft[i + 1]) && Uri.IsHexDigit(soft[i + 2]))
            {
                bytes.Add(Convert.ToByte(soft.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)soft[i]);
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex("\r\n[ \t]+")]
    private static partial Regex FoldPattern();

    [GeneratedRegex("charset=\"?([^\";]+)\"?", RegexOptions.IgnoreCase)]
    private static partial Regex CharsetPattern();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex WordPattern();
}

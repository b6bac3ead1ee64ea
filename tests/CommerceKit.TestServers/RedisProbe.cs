using System.Net.Sockets;
using System.Text;

namespace CommerceKit.TestServers;

/// <summary>
/// Sends one command to a Redis server over a raw socket and reads a simple reply. Enough to wait for a server
/// to be ready or a cluster to settle, without a client library.
/// </summary>
public static class RedisProbe
{
    public static async Task<string> SendAsync(int port, CancellationToken cancellationToken, params string[] command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        var stream = client.GetStream();

        var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var part in command)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var header = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("Redis closed the connection.");
        if (header[0] != '$')
        {
            return header;
        }

        var length = int.Parse(header.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        if (length < 0)
        {
            return "";
        }

        var body = new char[length];
        var read = 0;
        while (read < length)
        {
            var chunk = await reader.ReadAsync(body.AsMemory(read), cancellationToken);
            if (chunk == 0)
            {
                throw new IOException("Redis closed the connection mid-reply.");
            }

            read += chunk;
        }

        return new string(body);
    }

    /// <summary>Polls until <paramref name="isReady"/> holds for the reply to <paramref name="command"/>.</summary>
    public static async Task WaitUntilAsync(int port, Func<string, bool> isReady, TimeSpan timeout, Func<string> describeFailure, params string[] command)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string? last = null;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                last = await SendAsync(port, deadline.Token, command);
                if (isReady(last))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                last = ex.Message;
            }

            try
            {
                await Task.Delay(25, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException($"Redis on port {port} was not ready after {timeout.TotalSeconds} s (last answer: {last}). {describeFailure()}");
    }
}

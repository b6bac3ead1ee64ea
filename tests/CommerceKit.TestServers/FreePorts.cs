using System.Net;
using System.Net.Sockets;

namespace CommerceKit.TestServers;

/// <summary>Finds loopback TCP ports nobody listens on.</summary>
public static class FreePorts
{
    /// <summary>A free port; with <paramref name="alsoFreeAt"/>, one where <c>port + alsoFreeAt</c> is free too (Redis Cluster's bus).</summary>
    public static int Next(int? alsoFreeAt = null)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = alsoFreeAt is null ? AskTheKernel() : Random.Shared.Next(20_000, 55_000 - alsoFreeAt.Value);
            if (IsFree(port) && (alsoFreeAt is not { } offset || IsFree(port + offset)))
            {
                return port;
            }
        }

        throw new InvalidOperationException("Found no free loopback port.");
    }

    private static int AskTheKernel()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

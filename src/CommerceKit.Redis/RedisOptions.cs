using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace CommerceKit.Redis;

/// <summary>Options for the Redis connection every CommerceKit Redis backend shares.</summary>
public sealed class RedisOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string, for example <c>"127.0.0.1:6379"</c> or
    /// <c>"node1:6379,node2:6379,password=…,ssl=true"</c>. Required unless <see cref="ConnectionFactory"/> is set.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Configuration { get; set; }

    /// <summary>
    /// Creates the connection instead of <see cref="Configuration"/>, for an application that wants CommerceKit
    /// to share a multiplexer it already has. CommerceKit does not dispose a multiplexer it did not create.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<CancellationToken, Task<IConnectionMultiplexer>>? ConnectionFactory { get; set; }

    /// <summary>
    /// Whether the connection CommerceKit creates reads and writes its sockets on StackExchange.Redis's dedicated
    /// socket threads (that library's own default) instead of the .NET thread pool. The dedicated threads keep
    /// Redis answering in an application that blocks thread-pool threads (sync-over-async) until the pool starves;
    /// CommerceKit itself never blocks, and on the thread pool a round trip skips a hand-over between threads
    /// (about a third of the time per command on a local server; see docs/benchmarks.md). Not used with
    /// <see cref="ConnectionFactory"/>, whose multiplexer keeps its own settings.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the .NET thread pool.</value>
    public bool UseDedicatedSocketThreads { get; set; }

    /// <summary>
    /// How long a call waits for Redis: for the connection to be made, and for each command's reply. An outage (no
    /// server, a server killed, a network fault) answers with <see cref="BackendUnavailableException"/> within about
    /// this long; commands issued while the connection is down fail at once instead of waiting for it to return.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times an operation is retried when Redis refused it before running it (no connection, the server
    /// still loading, the cluster reconfiguring). An operation that may have run is never retried.
    /// </summary>
    /// <value>The default value is 3.</value>
    [Range(0, 10)]
    public int RetryAttempts { get; set; } = 3;

    /// <summary>The delay before the first retry; later retries back off exponentially, with jitter.</summary>
    /// <value>The default value is 50 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);
}

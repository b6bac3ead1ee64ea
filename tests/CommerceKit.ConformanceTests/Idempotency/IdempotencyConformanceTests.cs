using System.Text;
using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Idempotency;

namespace CommerceKit.ConformanceTests.Idempotency;

/// <summary>What every idempotency backend must do: the store's claim, completion, release and expiry, and the executor on top.</summary>
[ConformanceSuite("Idempotency", ConformanceBackend.InMemory, ConformanceBackend.Redis, ConformanceBackend.RedisCluster, ConformanceBackend.PostgreSql)]
public abstract class IdempotencyConformanceTests : IdempotencySuite
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_free_key_is_claimed_once_then_reported_in_progress_with_the_lease_left()
    {
        var store = Backend.CreateStore();
        var key = Key("order-1");

        var first = await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None);
        var second = await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Claimed, first.Status);
        Assert.True(first.LeaseToken > 0);
        Assert.Equal(IdempotencyClaimStatus.InProgress, second.Status);
        Assert.InRange(second.RetryAfter, Minute - TimeSpan.FromSeconds(5), Minute);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000_000)]
    public async Task A_completed_key_replays_status_headers_and_body_byte_for_byte(int bodyLength)
    {
        var store = Backend.CreateStore();
        var key = Key("order-1");
        var body = new byte[bodyLength];
        Random.Shared.NextBytes(body);
        var response = new StoredResponse(201, body, [new("Content-Type", "application/json"), new("Location", "/orders/ü-1"), new("X-Empty", "")]);
        var claim = await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None);

        Assert.True(await store.CompleteAsync(key, claim.LeaseToken, response, Day, CancellationToken.None));
        var replay = await Backend.CreateStore().TryClaimAsync(key, "fp", Minute, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Completed, replay.Status);
        Assert.Equal(201, replay.Response!.StatusCode);
        Assert.Equal(response.Headers, replay.Response.Headers);
        Assert.Equal(body, replay.Response.Body.ToArray());
    }

    [Fact]
    public async Task Another_fingerprint_is_a_mismatch_while_in_progress_and_after_completion()
    {
        var store = Backend.CreateStore();
        var key = Key("order-1");
        var claim = await store.TryClaimAsync(key, "fp-a", Minute, CancellationToken.None);

        var whileRunning = await store.TryClaimAsync(key, "fp-b", Minute, CancellationToken.None);
        await store.CompleteAsync(key, claim.LeaseToken, Response("1"), Day, CancellationToken.None);
        var afterwards = await store.TryClaimAsync(key, "fp-b", Minute, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.FingerprintMismatch, whileRunning.Status);
        Assert.Equal(IdempotencyClaimStatus.FingerprintMismatch, afterwards.Status);
    }

    [Fact]
    public async Task Scopes_keep_the_same_key_apart()
    {
        var store = Backend.CreateStore();
        var alice = Key("order-1", scope: "alice");
        var bob = Key("order-1", scope: "bob");
        var shared = new IdempotencyKey("", alice.Key);
        var aliceClaim = await store.TryClaimAsync(alice, "fp", Minute, CancellationToken.None);
        await store.CompleteAsync(alice, aliceClaim.LeaseToken, Response("alice"), Day, CancellationToken.None);

        var bobClaim = await store.TryClaimAsync(bob, "other", Minute, CancellationToken.None);
        var sharedClaim = await store.TryClaimAsync(shared, "other", Minute, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Claimed, bobClaim.Status);
        Assert.Equal(IdempotencyClaimStatus.Claimed, sharedClaim.Status);
    }

    [Fact]
    public async Task Keys_that_differ_only_in_characters_special_to_a_backend_stay_apart()
    {
        var store = Backend.CreateStore();
        string[] keys = ["a}b", "a%7Db", "a:b", "a b", "'; DROP TABLE x; --", "ключ-🔑", new string('k', IdempotencyKey.MaxLength)];

        foreach (var key in keys)
        {
            var claim = await store.TryClaimAsync(Key(key, scope: "s:1"), "fp-" + key, Minute, CancellationToken.None);
            Assert.Equal(IdempotencyClaimStatus.Claimed, claim.Status);
            Assert.True(await store.CompleteAsync(Key(key, scope: "s:1"), claim.LeaseToken, Response(key), Day, CancellationToken.None));
        }

        foreach (var key in keys)
        {
            var replay = await store.TryClaimAsync(Key(key, scope: "s:1"), "fp-" + key, Minute, CancellationToken.None);
            Assert.Equal(key, Encoding.UTF8.GetString(replay.Response!.Body.Span));
        }

        // "s" + ":1:x" and "s:1" + "x" must not meet either.
        var other = await store.TryClaimAsync(Key("1:" + keys[2], scope: "s"), "fp", Minute, CancellationToken.None);
        Assert.Equal(IdempotencyClaimStatus.Claimed, other.Status);
    }

    [Fact]
    public async Task Only_the_claims_lease_token_completes_or_releases_it_and_only_once()
    {
        var store = Backend.CreateStore();
        var key = Key("order-1");
        var claim = await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None);

        Assert.False(await store.CompleteAsync(key, claim.LeaseToken + 1, Response("stale"), Day, CancellationToken.None));
        await store.ReleaseAsync(key, claim.LeaseToken + 1, CancellationToken.None);
        Assert.Equal(IdempotencyClaimStatus.InProgress, (await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None)).Status);

        Assert.True(await store.CompleteAsync(key, claim.LeaseToken, Response("first"), Day, CancellationToken.None));
        Assert.False(await store.CompleteAsync(key, claim.LeaseToken, Response("second"), Day, CancellationToken.None));
        await store.ReleaseAsync(key, claim.LeaseToken, CancellationToken.None);

        var replay = await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None);
        Assert.Equal("first", Encoding.UTF8.GetString(replay.Response!.Body.Span));
    }

    [Fact]
    public async Task A_released_key_is_claimed_again_with_a_new_token_by_any_request()
    {
        var store = Backend.CreateStore();
        var key = Key("order-1");
        var first = await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None);

        await store.ReleaseAsync(key, first.LeaseToken, CancellationToken.None);
        var second = await Backend.CreateStore().TryClaimAsync(key, "corrected", Minute, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Claimed, second.Status);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        Assert.False(await store.CompleteAsync(key, first.LeaseToken, Response("stale"), Day, CancellationToken.None));
    }

    [Fact]
    public async Task A_lease_that_runs_out_frees_the_key_and_fences_off_the_late_completion()
    {
        var store = Backend.CreateStore();
        var key = Key("order-1");
        var stale = await store.TryClaimAsync(key, "fp", Short, CancellationToken.None);

        IdempotencyClaim? takeover = null;
        await Eventually.HoldsAsync(
            async () => (takeover = await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None)).Status == IdempotencyClaimStatus.Claimed,
            Deadline,
            "the key is claimable once the lease ran out");

        Assert.NotEqual(stale.LeaseToken, takeover!.LeaseToken);
        Assert.False(await store.CompleteAsync(key, stale.LeaseToken, Response("stale"), Day, CancellationToken.None));
        Assert.True(await store.CompleteAsync(key, takeover.LeaseToken, Response("takeover"), Day, CancellationToken.None));
    }

    [Fact]
    public async Task A_stored_response_is_forgotten_after_its_retention()
    {
        var store = Backend.CreateStore();
        var key = Key("order-1");
        var claim = await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None);
        await store.CompleteAsync(key, claim.LeaseToken, Response("1"), Short, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Completed, (await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None)).Status);
        await Eventually.HoldsAsync(
            async () => (await store.TryClaimAsync(key, "another request", Minute, CancellationToken.None)).Status == IdempotencyClaimStatus.Claimed,
            Deadline,
            "the key is free once the retention ended");
    }

    [Fact]
    public async Task Of_many_concurrent_claims_on_three_instances_exactly_one_wins()
    {
        IdempotencyStore[] stores = [Backend.CreateStore(), Backend.CreateStore(), Backend.CreateStore()];
        var key = Key("order-1");

        var claims = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            Task.Run(async () => await stores[i % 3].TryClaimAsync(key, "fp", Minute, CancellationToken.None))));

        Assert.Single(claims, c => c.Status == IdempotencyClaimStatus.Claimed);
        Assert.All(claims.Where(c => c.Status != IdempotencyClaimStatus.Claimed), c => Assert.Equal(IdempotencyClaimStatus.InProgress, c.Status));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_parameter_name()
    {
        var store = Backend.CreateStore();
        var key = Key("order-1");

        Assert.Equal("key", Assert.Throws<ArgumentException>(() => new IdempotencyKey("s", "")).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => new IdempotencyKey("s", new string('k', 256))).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => new IdempotencyKey("s", "a\nb")).ParamName);
        Assert.Equal("scope", Assert.Throws<ArgumentException>(() => new IdempotencyKey("a\u0000", "k")).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => store.TryClaimAsync(default, "fp", Minute, CancellationToken.None)).ParamName);
        Assert.Equal("fingerprint", Assert.Throws<ArgumentException>(() => store.TryClaimAsync(key, "", Minute, CancellationToken.None)).ParamName);
        Assert.Equal("fingerprint", Assert.Throws<ArgumentException>(() => store.TryClaimAsync(key, new string('f', 513), Minute, CancellationToken.None)).ParamName);
        Assert.Equal("lease", Assert.Throws<ArgumentOutOfRangeException>(() => store.TryClaimAsync(key, "fp", TimeSpan.Zero, CancellationToken.None)).ParamName);
        Assert.Equal("leaseToken", Assert.Throws<ArgumentOutOfRangeException>(() => store.CompleteAsync(key, 0, Response("x"), Day, CancellationToken.None)).ParamName);
        Assert.Equal("retention", Assert.Throws<ArgumentOutOfRangeException>(() => store.CompleteAsync(key, 1, Response("x"), TimeSpan.Zero, CancellationToken.None)).ParamName);
        Assert.Equal("statusCode", Assert.Throws<ArgumentOutOfRangeException>(() => new StoredResponse(99, Array.Empty<byte>())).ParamName);
    }

    [Fact]
    public async Task A_cancelled_claim_claims_nothing()
    {
        var store = Backend.CreateStore();
        var key = Key("order-1");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.TryClaimAsync(key, "fp", Minute, new CancellationToken(canceled: true)));

        Assert.Equal(IdempotencyClaimStatus.Claimed, (await store.TryClaimAsync(key, "fp", Minute, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task The_executor_runs_once_and_replays_the_value_on_another_instance()
    {
        var key = Key("order-1");
        var runs = 0;

        var first = await Backend.CreateExecutor().ExecuteAsync(key, "fp", (_, _) => Task.FromResult(new Order("o-" + Interlocked.Increment(ref runs), 1250)));
        var retry = await Backend.CreateExecutor().ExecuteAsync(key, "fp", (_, _) => Task.FromResult(new Order("o-" + Interlocked.Increment(ref runs), 1250)));

        Assert.Equal(1, runs);
        Assert.False(first.IsReplay);
        Assert.True(retry.IsReplay);
        Assert.Equal(new Order("o-1", 1250), retry.Value);
        Assert.Equal(first.Value, retry.Value);
    }

    [Fact]
    public async Task The_executor_refuses_a_reused_key_and_an_attempt_in_progress()
    {
        var executor = Backend.CreateExecutor();
        var key = Key("order-1");
        var running = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = executor.ExecuteAsync(key, "fp", (_, _) =>
        {
            started.SetResult();
            return running.Task;
        });
        await started.Task;

        var inUse = await Assert.ThrowsAsync<IdempotencyKeyInUseException>(() => executor.ExecuteAsync(key, "fp", (_, _) => Task.FromResult(2)));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => executor.ExecuteAsync(key, "other", (_, _) => Task.FromResult(2)));
        running.SetResult(1);

        Assert.InRange(inUse.RetryAfter, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await first).Value);
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => executor.ExecuteAsync(key, "other", (_, _) => Task.FromResult(2)));
    }

    [Fact]
    public async Task An_exception_releases_the_key_so_the_retry_runs()
    {
        var executor = Backend.CreateExecutor();
        var key = Key("order-1");

        await Assert.ThrowsAsync<InvalidOperationException>(() => executor.ExecuteAsync<int>(key, "fp", (_, _) => throw new InvalidOperationException("payment gateway down")));
        var retry = await executor.ExecuteAsync(key, "fp", (_, _) => Task.FromResult(7));

        Assert.False(retry.IsReplay);
        Assert.Equal(7, retry.Value);
    }

    [Theory]
    [InlineData(503, IdempotencyErrorPolicy.ReleaseServerErrors, false)]
    [InlineData(503, IdempotencyErrorPolicy.StoreEverything, true)]
    [InlineData(422, IdempotencyErrorPolicy.ReleaseServerErrors, true)]
    [InlineData(201, IdempotencyErrorPolicy.ReleaseServerErrors, true)]
    public async Task The_error_policy_decides_which_responses_are_stored(int status, IdempotencyErrorPolicy policy, bool stored)
    {
        var executor = Backend.CreateExecutor();
        var key = Key("order-1");
        var options = new IdempotencyOptions { ErrorPolicy = policy };
        var runs = 0;

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await executor.ExecuteResponseAsync(key, "fp", (_, _) => Task.FromResult(Response("run-" + Interlocked.Increment(ref runs), status)), options);
            Assert.Equal(status, result.Value.StatusCode);
        }

        Assert.Equal(stored ? 1 : 2, runs);
    }

    [Fact]
    public async Task Fifty_concurrent_attempts_on_three_instances_run_the_operation_once()
    {
        IIdempotencyExecutor[] executors = [Backend.CreateExecutor(), Backend.CreateExecutor(), Backend.CreateExecutor()];
        var key = Key("order-1");
        var runs = 0;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            try
            {
                return await executors[i % 3].ExecuteAsync(key, "fp", async (_, token) =>
                {
                    var run = Interlocked.Increment(ref runs);
                    await Task.Delay(50, token);
                    return new Order("o-" + run, 999);
                });
            }
            catch (IdempotencyKeyInUseException exception)
            {
                Assert.True(exception.RetryAfter > TimeSpan.Zero);
                return null;
            }
        })));

        Assert.Equal(1, runs);
        var answered = outcomes.OfType<IdempotentResult<Order>>().ToList();
        Assert.Single(answered, r => !r.IsReplay);
        Assert.All(answered, r => Assert.Equal(new Order("o-1", 999), r.Value));
    }

    [Fact]
    public async Task With_a_wait_an_attempt_in_progress_is_awaited_and_replayed()
    {
        var key = Key("order-1");
        var running = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Backend.CreateExecutor().ExecuteAsync(key, "fp", (_, _) =>
        {
            started.SetResult();
            return running.Task;
        });
        await started.Task;

        var waiting = Backend.CreateExecutor(o => o.InProgressWait = TimeSpan.FromSeconds(10)).ExecuteAsync(key, "fp", (_, _) => Task.FromResult(2));
        running.SetResult(1);

        var replay = await waiting;
        Assert.True(replay.IsReplay);
        Assert.Equal(1, replay.Value);
        Assert.False((await first).IsReplay);
    }

    [Fact]
    public async Task An_abandoned_attempt_lets_a_retry_run_after_the_lease_and_its_late_completion_is_refused()
    {
        var key = Key("order-1");
        var abandoned = new TaskCompletionSource<Order>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stale = Backend.CreateExecutor(o => o.Lease = Short).ExecuteAsync(key, "fp", (_, _) =>
        {
            started.SetResult();
            return abandoned.Task;
        });
        await started.Task;
        var retrying = Backend.CreateExecutor(o => o.InProgressWait = Deadline);

        var retry = await retrying.ExecuteAsync(key, "fp", (_, _) => Task.FromResult(new Order("retry", 1)));
        abandoned.SetResult(new Order("stale", 1));

        Assert.False(retry.IsReplay);
        await Assert.ThrowsAsync<IdempotencyLeaseLostException>(() => stale);
        var replay = await retrying.ExecuteAsync(key, "fp", (_, _) => Task.FromResult(new Order("third", 1)));
        Assert.Equal(new Order("retry", 1), replay.Value);
    }

    [Fact]
    public async Task The_context_derives_the_same_step_keys_for_every_attempt_and_different_ones_per_step_and_scope()
    {
        var executor = Backend.CreateExecutor();
        var key = Key("order-1");
        string[] Derive(IdempotencyContext context) => [context.DeriveKey("payment"), context.DeriveKey("reservation")];

        var first = await Assert.ThrowsAsync<StepKeysException>(() => executor.ExecuteAsync<int>(key, "fp", (context, _) => throw new StepKeysException(Derive(context))));
        var second = await Assert.ThrowsAsync<StepKeysException>(() => executor.ExecuteAsync<int>(key, "fp", (context, _) => throw new StepKeysException(Derive(context))));
        var otherScope = await Assert.ThrowsAsync<StepKeysException>(() => executor.ExecuteAsync<int>(Key("order-1", scope: "bob"), "fp", (context, _) => throw new StepKeysException(Derive(context))));

        Assert.Equal(first.Keys, second.Keys);
        Assert.NotEqual(first.Keys[0], first.Keys[1]);
        Assert.Empty(first.Keys.Intersect(otherScope.Keys));
        Assert.All(first.Keys, k => Assert.True(KeyGuard.IsValid(k)));
    }

    private sealed record Order(string Id, int TotalCents);

    private sealed class StepKeysException(string[] keys) : Exception
    {
        public string[] Keys { get; } = keys;
    }
}

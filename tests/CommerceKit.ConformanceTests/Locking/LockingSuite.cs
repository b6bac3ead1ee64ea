using CommerceKit.ConformanceTests.Fixtures;

namespace CommerceKit.ConformanceTests.Locking;

/// <summary>What every locking suite shares: a fresh backend (its own key prefix) per test, disposed after it.</summary>
public abstract class LockingSuite : BackendSuite<LockingBackend>;

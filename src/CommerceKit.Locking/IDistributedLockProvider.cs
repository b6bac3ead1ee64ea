namespace CommerceKit.Locking;

/// <summary>Creates distributed locks by name. Register one with <c>AddLocks()</c>, <c>AddRedisLocks()</c> or <c>AddPostgreSqlLocks()</c>.</summary>
public interface IDistributedLockProvider
{
    /// <summary>Returns the lock called <paramref name="name"/>. Creating a lock contacts no backend; acquiring it does.</summary>
    /// <param name="name">
    /// The lock's name: 1 to <see cref="KeyGuard.MaxLength"/> characters, no control characters. Every instance of an
    /// application that uses the same name (and key prefix or schema) shares one lock.
    /// </param>
    /// <returns>The lock.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, too long or holds control characters.</exception>
    IDistributedLock CreateLock(string name);
}

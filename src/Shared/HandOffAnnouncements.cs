using System.Globalization;

namespace CommerceKit.Shared;

/// <summary>
/// The announcement of a lock hand-off as the backends' release scripts write it: <c>owner:token</c> (the owner is
/// CommerceKit's own hex id, so it holds no colon).
/// </summary>
internal static class HandOffAnnouncements
{
    public static bool TryParse(ReadOnlySpan<char> announcement, out string owner, out long fencingToken)
    {
        var colon = announcement.IndexOf(':');
        if (colon > 0 && long.TryParse(announcement[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out fencingToken))
        {
            owner = announcement[..colon].ToString();
            return true;
        }

        owner = "";
        fencingToken = 0;
        return false;
    }
}

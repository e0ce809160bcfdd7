using System.Globalization;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>Resident memory of this process from Linux's /proc/self/status: VmRSS (now) and VmHWM (the peak,
/// "high water mark"). Both count file-backed pages that are mapped and touched, so a zero-copy weight view
/// of a memory-mapped checkpoint counts as resident once read.</summary>
public sealed record ProcessMemoryStatus(long ResidentBytes, long PeakResidentBytes)
{
    public const string SelfPath = "/proc/self/status";

    public static ProcessMemoryStatus ReadSelf()
    {
        if (!File.Exists(SelfPath)) throw new PlatformNotSupportedException($"{SelfPath} does not exist: resident memory is measured on Linux only");
        return Parse(File.ReadAllText(SelfPath));
    }

    /// <summary>Parses lines such as <c>VmRSS:	  123456 kB</c> (kB here means KiB).</summary>
    public static ProcessMemoryStatus Parse(string statusText)
    {
        long? rss = null, hwm = null;
        foreach (var line in statusText.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon];
            if (key is "VmRSS") rss = Kibibytes(line, colon);
            else if (key is "VmHWM") hwm = Kibibytes(line, colon);
        }
        if (rss is null || hwm is null)
            throw new InvalidDataException($"{SelfPath}: no {(rss is null ? "VmRSS" : "VmHWM")} line");
        return new ProcessMemoryStatus(rss.Value, hwm.Value);
    }

    static long Kibibytes(string line, int colon)
    {
        var parts = line[(colon + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || parts[1] != "kB" || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            throw new InvalidDataException($"{SelfPath}: cannot read '{line.Trim()}' (expected '<number> kB')");
        return value * 1024;
    }
}

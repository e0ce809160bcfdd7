namespace SteerLab.Engine.Tests.Malformed;

/// <summary>What one piece of work cost in memory: managed bytes allocated (all threads), growth of the resident set's
/// peak, and growth of the peak virtual size. The resident peak is Linux's VmHWM, which the probe resets to the current
/// resident size before the work (writing 5 to /proc/self/clear_refs), so it measures this work alone; the virtual peak
/// (VmPeak) cannot be reset but only grows when something maps more than the process ever had, which is what an
/// allocation sized by a lying length does even when the kernel would hand out its pages lazily. Elsewhere the two
/// process figures are null.</summary>
public sealed record MemoryCost(long AllocatedBytes, long? ResidentPeakGrowthBytes, long? VirtualPeakGrowthBytes)
{
    public override string ToString() =>
        $"allocated {AllocatedBytes / 1024} KiB, resident peak +{ResidentPeakGrowthBytes / 1024} KiB, virtual peak +{VirtualPeakGrowthBytes / 1024} KiB";
}

public static class MemoryProbe
{
    static readonly bool CanResetResidentPeak = TryResetResidentPeak();

    public static MemoryCost Measure(Action work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        bool reset = CanResetResidentPeak && TryResetResidentPeak();
        long? residentBefore = reset ? StatusKiB("VmRSS") : null;
        long? virtualPeakBefore = StatusKiB("VmPeak");
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        work();

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long? residentPeak = reset ? StatusKiB("VmHWM") : null;
        long? virtualPeak = StatusKiB("VmPeak");
        return new MemoryCost(allocated,
            residentPeak - residentBefore is long r ? Math.Max(0, r) * 1024 : null,
            virtualPeak - virtualPeakBefore is long v ? v * 1024 : null);
    }

    static bool TryResetResidentPeak()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A "Key:   123 kB" line of /proc/self/status, in KiB.</summary>
    static long? StatusKiB(string key)
    {
        if (!OperatingSystem.IsLinux()) return null;
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0]);
        return null;
    }
}

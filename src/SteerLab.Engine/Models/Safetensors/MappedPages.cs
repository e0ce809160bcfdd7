using System.Runtime.InteropServices;

namespace SteerLab.Engine.Models.Safetensors;

/// <summary>Tells the kernel that pages of a read-only, copy-on-write file mapping are no longer needed
/// (madvise MADV_DONTNEED). The file is never written through the mapping, so dropped pages read back unchanged
/// if anything touches them again — including a zero-copy tensor that shares a boundary page.</summary>
static class MappedPages
{
    const int MadviseDontNeed = 4;
    static readonly long PageSize = Environment.SystemPageSize;

    [DllImport("libc", SetLastError = true)]
    static extern int madvise(IntPtr address, UIntPtr length, int advice);

    public static void Release(IntPtr start, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0) return;
        long first = (long)start / PageSize * PageSize;
        long end = ((long)start + length + PageSize - 1) / PageSize * PageSize;
        madvise((IntPtr)first, (UIntPtr)(ulong)(end - first), MadviseDontNeed); // advisory: a failure only costs memory
    }
}

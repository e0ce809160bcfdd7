using SteerLab.Build;
using TorchSharp;

namespace SteerLab.Engine.Tests.Native;

public class LibTorchSharpLoadTests
{
    static string OutputLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [SkippableFact]
    public void BuildMarksGlibcxx3432RequirementWeakInOutputCopy()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The libstdc++ fix applies to Linux builds only.");
        var needs = ElfWeakVersionPatcher.ReadVersionNeeds(File.ReadAllBytes(OutputLibrary));
        var glibcxx3432 = needs.Where(n => n.Version == "GLIBCXX_3.4.32").ToList();
        Assert.NotEmpty(glibcxx3432);
        Assert.All(glibcxx3432, n => Assert.True(n.IsWeak, $"{n.Library} {n.Version} is not weak"));
        // Nothing else was touched: the other GLIBCXX requirements stay strong.
        Assert.Contains(needs, n => n.Version.StartsWith("GLIBCXX_3.4.") && n.Version != "GLIBCXX_3.4.32" && !n.IsWeak);
    }

    [Fact]
    public void PatcherFlipsOnlyTheNamedRequirementAndIsIdempotent()
    {
        // Work on an unpatched copy taken from the NuGet package when present, else on the output copy.
        string source = FindPackageCopy() ?? OutputLibrary;
        string temp = Path.Combine(Path.GetTempPath(), $"steerlab-elf-{Guid.NewGuid():N}.so");
        File.Copy(source, temp);
        try
        {
            var before = ElfWeakVersionPatcher.ReadVersionNeeds(File.ReadAllBytes(temp));
            ElfWeakVersionPatcher.MarkWeak(temp, new[] { "GLIBCXX_3.4.32" });
            var after = ElfWeakVersionPatcher.ReadVersionNeeds(File.ReadAllBytes(temp));
            Assert.Equal(before.Count, after.Count);
            for (int i = 0; i < before.Count; i++)
            {
                bool target = before[i].Version == "GLIBCXX_3.4.32";
                Assert.Equal(target || before[i].IsWeak, after[i].IsWeak);
            }
            Assert.Equal(0, ElfWeakVersionPatcher.MarkWeak(temp, new[] { "GLIBCXX_3.4.32" }));
            // Exactly the flag bytes differ between the original and the patched file.
            byte[] a = File.ReadAllBytes(source), b = File.ReadAllBytes(temp);
            Assert.Equal(a.Length, b.Length);
            int differing = Enumerable.Range(0, a.Length).Count(i => a[i] != b[i]);
            Assert.True(differing <= 1, $"{differing} bytes changed");
        }
        finally { File.Delete(temp); }
    }

    [Fact]
    public void PatcherRejectsFilesThatAreNotElf()
    {
        Assert.Throws<InvalidDataException>(() => ElfWeakVersionPatcher.ReadVersionNeeds(new byte[100]));
        Assert.Throws<InvalidDataException>(() => ElfWeakVersionPatcher.ReadVersionNeeds(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }));
    }

    [Fact]
    public void TorchSharpNativeBackendLoadsAndComputes()
    {
        using var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var b = a.matmul(a.T);
        Assert.Equal(new float[] { 5, 14, 14, 50 }, b.data<float>().ToArray());
    }

    static string? FindPackageCopy()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }
}

using System.Text.RegularExpressions;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Report;
using SteerLab.Engine.Tests.Cli;

namespace SteerLab.Engine.Tests.Report;

/// <summary>The whole report on the built-in demo with <see cref="ReportSettings.Quick"/> (tiny grids, SAEs trained for a
/// few steps into a temporary cache), through the CLI verb as a user runs it.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReportEndToEndTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-report-e2e-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static readonly string[] Titles =
    [
        "SAS vs CAA: effect over the steering coefficient",
        "SAS with and without the Δ correction: side effects",
        "SAS τ sweep: vector sparsity against effect",
        "SAE width scaling: support size and effect",
        "Composition: two vectors at once",
        "Top-k ENR: how much of the dense effect k coordinates keep",
        "SAE-TS vs CAA vs single-feature steering: behaviour × coherence",
    ];

    [Fact]
    public async Task QuickReportOnTheDemo_WritesEverySectionWithNumbers_ChartsAndProvenance()
    {
        string output = Path.Combine(folder, "out");
        var (code, stdout, stderr) = await ConsoleCapture.RunCli("report", "--quick", "--threads", "1", "--out", output, "--cache", Path.Combine(folder, "cache"));
        Assert.True(code == 0, stderr);
        Assert.Contains(Path.Combine(output, "report.md"), stdout);

        string md = File.ReadAllText(Path.Combine(output, "report.md"));
        string html = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.DoesNotContain("NaN", md);
        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("<script", html);

        // Provenance: the command, hashes, seeds, software, machine and timing.
        Assert.Contains("dotnet run --project src/SteerLab.Engine -c Release -- report --quick", md);
        Assert.Matches(@"\| model revision \| sha256 of config \+ weight \+ tokenizer files [0-9a-f]{64} \|", md);
        Assert.Matches(@"\| dataset romance-vs-press \| .*content hash [0-9a-f]{64}", md);
        Assert.Matches(@"\| SAE w64 \| TopK width 64 k 8, trained for this report", md);
        Assert.Contains("seeds 1;", md);
        Assert.Contains("| machine |", md);
        Assert.Contains("| wall time |", md);

        var sections = Regex.Split(md, @"(?m)^## (?=[a-g]\. )").Skip(1).ToList();
        Assert.Equal(Titles.Length, sections.Count);
        for (int i = 0; i < Titles.Length; i++)
        {
            string section = sections[i];
            string letter = ((char)('a' + i)).ToString();
            Assert.StartsWith($"{letter}. {MarkdownReportWriter.Escape(Titles[i])}", section);
            foreach (string part in new[] { "**The claim.**", "**Measured here.**", "**Reading.**", "*Chart:", "*Section wall time:" })
                Assert.Contains(part, section);
            // A table row with at least one measured number (0.123 or 1.5%) in it.
            Assert.Matches(@"(?m)^\| .*\d\.\d{2,3}.* \|$", section);
        }
        Assert.Equal(Titles.Length, Regex.Count(html, "<section id=\"section-"));
        Assert.True(Regex.Count(html, "<svg ") >= 2 * Titles.Length, "at least two charts per section");
        Assert.True(File.Exists(Path.Combine(folder, "cache", Directory.GetDirectories(Path.Combine(folder, "cache")).Select(Path.GetFileName).Single()!,
            "blocks.1.hook_resid_post", WidthSaeCache.FolderName(64, ReportSettings.Quick().WidthSaes), "cfg.json")), "the trained SAEs are cached");
    }

    [Fact]
    public async Task DatasetsNoClassifierKnows_AreMeasuredByTheHeldOutGap_AndEverySectionStillRenders()
    {
        string demo = DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is missing");
        string datasets = Directory.CreateDirectory(Path.Combine(folder, "datasets")).FullName;
        // The demo's datasets under names that match no demo contrast: no genre judge applies to them.
        File.Copy(Path.Combine(demo, "datasets", "romance-vs-press.json"), Path.Combine(datasets, "first.json"));
        File.Copy(Path.Combine(demo, "datasets", "learned-vs-fiction.json"), Path.Combine(datasets, "second.json"));
        string output = Path.Combine(folder, "generic");
        var (code, _, stderr) = await ConsoleCapture.RunCli("report", "--quick", "--threads", "1", "--out", output, "--cache", Path.Combine(folder, "cache"),
            "--model", Path.Combine(demo, "steerlab-brown-demo"), "--sae", Path.Combine(demo, "sae"),
            "--dataset", Path.Combine(datasets, "first.json"), Path.Combine(datasets, "second.json"));
        Assert.True(code == 0, stderr);
        string md = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.DoesNotContain("NaN", md);
        Assert.DoesNotContain("classifier judge, 0–1", md); // no effect column is a judge's behaviour score
        Assert.Contains("held-out log-likelihood gap shift (nats/token)", md);
        Assert.Equal(Titles.Length, Regex.Count(md, @"(?m)^## [a-g]\. "));
        Assert.Contains("This contrast has no classifier judge", md);
    }

    [Fact]
    public async Task ModelWithoutItsSae_IsAUserError()
    {
        string demo = DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is missing");
        var (code, _, stderr) = await ConsoleCapture.RunCli("report", "--model", Path.Combine(demo, "steerlab-brown-demo"), "--out", Path.Combine(folder, "never"));
        Assert.Equal(2, code);
        Assert.Contains("--sae", stderr);
    }

    [Fact]
    public async Task UnknownSection_IsAUserError()
    {
        var (code, _, stderr) = await ConsoleCapture.RunCli("report", "--sections", "a,zz", "--out", Path.Combine(folder, "never"));
        Assert.Equal(2, code);
        Assert.Contains("unknown section 'zz'", stderr);
        Assert.False(Directory.Exists(Path.Combine(folder, "never")));
    }
}

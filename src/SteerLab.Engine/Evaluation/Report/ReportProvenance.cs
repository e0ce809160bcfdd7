using System.Security.Cryptography;
using SteerLab.Engine.Evaluation.Benchmarks;
using SteerLab.Engine.Steering.Documents;
using static SteerLab.Engine.Evaluation.Report.ReportFormat;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>The report's header: what ran, on what, with which seeds, where, and how long each part took — enough to
/// reproduce every number (DESIGN §6: runs carry full provenance).</summary>
public static class ReportProvenance
{
    public static IReadOnlyList<(string Label, string Value)> Header(ReportWorkspace workspace, DateTimeOffset started, double totalSeconds,
        double setupSeconds, IReadOnlyList<ReportSection> sections)
    {
        var settings = workspace.Settings;
        var config = workspace.Model.Config;
        var machine = MachineInfo.Current();
        var rows = new List<(string, string)>
        {
            ("command", workspace.Inputs.CommandLine),
            ("model", Text($"{workspace.Loaded.Name} ({config.Architecture}, {config.LayerCount} layers, d_model {config.DModel}, vocabulary {config.VocabSize}) at {Shown(workspace.Loaded.Directory)}")),
            ("model revision", $"sha256 of config + weight + tokenizer files {ModelContentHash(workspace.Loaded.Directory)}"),
            ("hook", workspace.Hook.Name),
        };
        foreach (var sae in workspace.Saes)
            rows.Add(($"SAE {sae.Label}", Text($"{sae.Sae.Config.Activation} width {sae.Width}{(sae.Sae.Config.K > 0 ? $" k {sae.Sae.Config.K}" : "")}, ")
                + (sae.TrainedForReport ? $"trained for this report{(sae.FromCache ? " (loaded from the cache: trained by an earlier run with the same settings)" : " by this run")} (see the width section), " : "") + Text($"weights sha256 {sae.Sha256}, {Shown(sae.Folder)}")));
        foreach (var contrast in workspace.Contrasts)
            rows.Add(($"dataset {contrast.Name}", Text($"{contrast.Dataset.Pairs.Count} pairs ({contrast.Train.Pairs.Count} build vectors, the last {contrast.HeldOut.Count} held out), ")
                + Text($"content hash {contrast.Dataset.ContentHash}, file sha256 {contrast.FileSha256}, {Shown(contrast.FilePath)}")));
        if (workspace.Inputs.ClassifierPath is { } classifier && File.Exists(classifier))
            rows.Add(("judge", Text($"genre classifier (naive Bayes) sha256 {Demo.DemoManifest.Hash(classifier)}, {Shown(classifier)}; behaviour = ClassifierJudge (10·σ(4·log-ratio), rescaled to 0–1)")));
        rows.Add(("coherence", Text($"perplexity coherence: 1 up to a reference perplexity of {Number(workspace.Coherence.ReferencePerplexity, 2)} ({workspace.CoherenceReference}), reference/perplexity above it")));
        rows.Add(("sampling", Text($"{settings.Prompts.Count} prompts × seeds {string.Join(", ", settings.Seeds)}; temperature {Coefficient(settings.Temperature)}, top-p {Coefficient(settings.TopP)}, {settings.NewTokens} new tokens; steering on generated tokens only")));
        rows.Add(("prompts", string.Join(" · ", settings.Prompts.Select(p => $"\"{p}\""))));
        rows.Add(("other seeds", Text($"SAE training seed {settings.WidthSaes.Seed}, SAE-TS effect-dataset seed 0, bootstrap seed 12345")));
        rows.Add(("software", Text($"SteerLab {VectorDocument.SoftwareVersion}, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, {machine.Runtime}")));
        rows.Add(("machine", Text($"{machine.CpuModel}, {machine.ProcessorCount} logical processors, {machine.TorchThreads} torch threads, {machine.OperatingSystem}")));
        rows.Add(("started", started.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)));
        rows.Add(("wall time", Text($"{Seconds(totalSeconds)} in all: loading, activations and the unsteered baseline {Seconds(setupSeconds)}; ")
            + string.Join("; ", sections.Select(s => $"{s.Title.Split(':')[0]} {Seconds(s.WallSeconds)}"))));
        rows.Add(("measured points", Text($"{workspace.Meter.Count} steered setups sampled and judged (repeats across sections measured once)")));
        return rows;
    }

    /// <summary>SHA-256 over (name, SHA-256 of content) of config.json, every safetensors file and the tokenizer files: a
    /// revision that depends on the bytes only, not on where or when the files were written.</summary>
    public static string ModelContentHash(string folder)
    {
        string[] tokenizerFiles = ["tokenizer.json", "tokenizer.model", "vocab.json", "merges.txt", "tokenizer_config.json"];
        var files = Directory.EnumerateFiles(folder)
            .Where(f => Path.GetFileName(f) == "config.json" || f.EndsWith(".safetensors", StringComparison.Ordinal) || tokenizerFiles.Contains(Path.GetFileName(f)))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n" + Demo.DemoManifest.Hash(file) + "\n"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A path relative to the working directory when it lies under it (no machine-specific prefixes in a
    /// committed report), "demo/…" for the built-in demo's files (which the build copies beside the application), else
    /// the full path.</summary>
    public static string Shown(string path)
    {
        string full = Path.GetFullPath(path);
        if (Demo.DemoAssets.FindFolder() is { } demo)
        {
            string inDemo = Path.GetRelativePath(demo, full);
            if (!inDemo.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(inDemo))
                return $"{Demo.DemoAssets.FolderName}/{inDemo.Replace('\\', '/')} (the built-in demo)";
        }
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative.Replace('\\', '/');
    }
}

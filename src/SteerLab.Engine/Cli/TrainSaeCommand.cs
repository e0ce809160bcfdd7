using System.CommandLine;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Sae.Training;

namespace SteerLab.Engine.Cli;

/// <summary><c>train-sae --model DIR --hook NAME (--corpus FILE | --self-generated N) --width M (--topk K | --l1 C)
/// --out DIR [--steps S] [--seed S] [--batch-tokens B] [--lr LR] [--json]</c>: trains an SAE on the model's
/// activations at one hook point, over a text corpus or the model's own generations, saves it (SAELens layout +
/// training_report.json) and prints the report. Progress goes to stderr, the report to stdout.</summary>
static class TrainSaeCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder (config.json + safetensors)", Required = true };
        var hook = new Option<string>("--hook") { Description = "Hook point, e.g. blocks.2.hook_resid_post", Required = true };
        var corpus = new Option<FileInfo?>("--corpus") { Description = "UTF-8 text file to read activations over (needs the model's tokenizer)" };
        var selfGenerated = new Option<int?>("--self-generated") { Description = "Instead of a corpus: sample N sequences from the model itself (temperature 1, from BOS)" };
        var width = new Option<int>("--width") { Description = "Number of SAE features (d_sae)", Required = true };
        var topK = new Option<int?>("--topk") { Description = "Train a TopK SAE keeping K features per token" };
        var l1 = new Option<double?>("--l1") { Description = "Train a ReLU SAE with this L1 coefficient (inputs scaled to E‖x‖ = sqrt(d))" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the SAE to", Required = true };
        var steps = new Option<int>("--steps") { Description = "Optimiser steps", DefaultValueFactory = _ => 2000 };
        var seed = new Option<long>("--seed") { Description = "Seed for sampling, the split, initialisation and shuffling", DefaultValueFactory = _ => 0 };
        var batchTokens = new Option<int>("--batch-tokens") { Description = "Tokens per optimiser step", DefaultValueFactory = _ => 2048 };
        var learningRate = new Option<double>("--lr") { Description = "Peak AdamW learning rate", DefaultValueFactory = _ => 1e-3 };
        var window = new Option<int>("--window") { Description = "Corpus: tokens per window, BOS included", DefaultValueFactory = _ => 128 };
        var newTokens = new Option<int>("--new-tokens") { Description = "Self-generated: new tokens per sequence", DefaultValueFactory = _ => 128 };
        var bufferMb = new Option<int>("--max-buffer-mb") { Description = "Memory cap on training activations (MiB); more text is not read", DefaultValueFactory = _ => 1024 };
        var dtype = new Option<string>("--dtype") { Description = "Model weight type: f32 or bf16", DefaultValueFactory = _ => "f32" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("train-sae", "Train a sparse autoencoder on a model's activations at one hook point")
        {
            model, hook, corpus, selfGenerated, width, topK, l1, output, steps, seed, batchTokens, learningRate, window, newTokens, bufferMb, dtype, json,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(corpus) is null) == (result.GetValue(selfGenerated) is null))
                result.AddError("give exactly one of --corpus and --self-generated");
            if ((result.GetValue(topK) is null) == (result.GetValue(l1) is null))
                result.AddError("give exactly one of --topk and --l1");
        });
        command.SetAction((parse, cancellation) =>
        {
            var options = new SaeTrainingOptions
            {
                Hook = HookPoint.Parse(parse.GetValue(hook)!),
                Width = parse.GetValue(width),
                Kind = parse.GetValue(topK) is null ? SaeTrainingKind.ReluL1 : SaeTrainingKind.TopK,
                K = parse.GetValue(topK) ?? 0,
                L1Coefficient = parse.GetValue(l1) ?? 0,
                Steps = parse.GetValue(steps),
                Seed = parse.GetValue(seed),
                BatchTokens = parse.GetValue(batchTokens),
                LearningRate = parse.GetValue(learningRate),
                MaxBufferBytes = (long)Math.Clamp(parse.GetValue(bufferMb), 1, 1 << 20) << 20,
            };
            var source = parse.GetValue(corpus) is { } file
                ? new SequenceSource(file.FullName, 0, parse.GetValue(window))
                : new SequenceSource(null, parse.GetValue(selfGenerated)!.Value, parse.GetValue(newTokens));
            return Task.FromResult(Run(parse.GetValue(model)!.FullName, source, options, parse.GetValue(output)!.FullName,
                CliDTypes.Parse(parse.GetValue(dtype)!), parse.GetValue(json), cancellation));
        });
        return command;
    }

    /// <summary>A corpus file cut into windows of <paramref name="Length"/> tokens, or <paramref name="Count"/> self-generated
    /// sequences of <paramref name="Length"/> new tokens.</summary>
    sealed record SequenceSource(string? CorpusPath, int Count, int Length);

    static int Run(string modelDir, SequenceSource source, SaeTrainingOptions options, string outDir,
        TorchSharp.torch.ScalarType dtype, bool json, CancellationToken cancellation)
    {
        using var model = ModelLoader.Load(modelDir, dtype);
        options.Validate(model.Config.DModel);
        string modelName = Path.GetFileName(Path.TrimEndingDirectorySeparator(modelDir));
        var (sequences, description) = ReadSequences(model, modelDir, source, options, cancellation);

        using var result = SaeTrainingRun.Execute(model, modelName, sequences, description, options,
            progress: p => Console.Error.WriteLine(
                $"step {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}  L0 {p.L0:F1}  batch FVU {p.BatchFvu:F4}  dead {p.DeadFraction:P1}  lr {p.LearningRate:G3}"),
            status: message => Console.Error.WriteLine(message),
            cancellation: cancellation);
        result.Save(outDir);

        var r = result.Report;
        if (json) Console.WriteLine(r.ToJson());
        else
        {
            Console.WriteLine($"SAE saved to {outDir} ({r.Kind}, width {r.Width}{(r.K is { } k ? $", k {k}" : $", L1 {r.L1Coefficient}")}, {r.Hook})");
            Console.WriteLine($"held-out L0 {r.L0:F2}  FVU {r.Fvu:F4}  dead {r.DeadFraction:P1} (never fired on held-out {r.NeverFiredOnValidationFraction:P1})");
            Console.WriteLine($"loss clean {r.CleanLoss:F4}  with SAE {r.SplicedLoss:F4} (Δ {r.LossDelta:+0.0000;-0.0000})  zero-ablated {r.ZeroAblationLoss:F4} (Δ {r.ZeroAblationDelta:+0.0000;-0.0000})  recovered {r.LossRecovered:P1}");
            Console.WriteLine($"{r.TrainTokens} training tokens ({r.Epochs:F1} epochs), {r.ValidationTokens} held-out, {r.WallSeconds:F1} s");
        }
        return 0;
    }

    static (IReadOnlyList<int[]> Sequences, string Description) ReadSequences(TransformerModel model, string modelDir, SequenceSource source,
        SaeTrainingOptions options, CancellationToken cancellation)
    {
        if (source.CorpusPath is null)
        {
            Console.Error.WriteLine($"sampling {source.Count} sequences of up to {source.Length} tokens from the model");
            var generated = SelfGeneratedSequences.Sample(model, source.Count, source.Length, options.Seed, cancellation: cancellation);
            return (generated, $"self-generated: {generated.Count} sequences of up to {source.Length} new tokens (temperature 1, seed {options.Seed})");
        }
        var tokenizer = TokenizerLoader.Load(ModelDirectory.Resolve(modelDir))
            ?? throw new ArgumentException($"{modelDir} has no tokenizer: a --corpus needs one (or use --self-generated)");
        int bos = model.Config.BosId ?? tokenizer.BosId ?? throw new ArgumentException($"{modelDir} names no BOS token; corpus windows start with BOS");
        if (source.Length > model.Config.MaxPositions) throw new ArgumentException($"--window {source.Length} exceeds the model's {model.Config.MaxPositions} positions");
        // Enough text for the training cap plus the held-out share (BOS positions carry no activation).
        double perWindow = source.Length / Math.Max(1.0, source.Length - 1);
        long maxTokens = (long)Math.Min(long.MaxValue / 2, options.MaxBufferTokens(model.Config.DModel) / (1 - options.ValidationFraction) * perWindow) + source.Length;
        var windows = CorpusWindows.Read(source.CorpusPath, text => tokenizer.Encode(text, addBos: false), bos, source.Length, maxTokens, cancellation);
        return (windows, $"corpus {Path.GetFileName(source.CorpusPath)}: {windows.Count} windows of {source.Length} tokens");
    }
}

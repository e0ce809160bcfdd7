using System.CommandLine;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Steering.Documents;

namespace SteerLab.Engine.Cli;

/// <summary><c>build-vector --model DIR --dataset FILE --method caa|enr|sas|sae-ts --hook NAME [--sae DIR] [--tau T] [--k K]
/// [--no-common-removal] [--read-position answer|last-prompt|completion-mean] [--target-feature J] [--beta B]
/// [--cache DIR] --out FILE.json</c>: builds a steering vector and writes it as a steerlab.vector/1 document.</summary>
static class BuildVectorCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder", Required = true };
        var dataset = new Option<FileInfo>("--dataset") { Description = "Contrastive pairs: CAA A/B JSON, JSONL or CSV, or prompt/positive/negative pairs", Required = true };
        var method = new Option<string>("--method") { Description = "caa | enr | sas | sae-ts", Required = true };
        var hook = new Option<string>("--hook") { Description = "Hook point, e.g. blocks.2.hook_resid_post", Required = true };
        var sae = new Option<string?>("--sae") { Description = "SAE folder or file (sas, sae-ts)" };
        var tau = new Option<double?>("--tau") { Description = "SAS frequency threshold τ (default 0.7)" };
        var k = new Option<int>("--k") { Description = "top-k ENR: coordinates kept", DefaultValueFactory = _ => 64 };
        var noCommon = new Option<bool>("--no-common-removal") { Description = "SAS: keep features active on both sides" };
        var readPosition = new Option<string>("--read-position") { Description = "answer | last-prompt | completion-mean", DefaultValueFactory = _ => "answer" };
        var target = new Option<int?>("--target-feature") { Description = "SAE-TS: feature to target (default: strongest SAS feature)" };
        var beta = new Option<double>("--beta") { Description = "SAE-TS β", DefaultValueFactory = _ => 1.25 };
        var cache = new Option<string?>("--cache") { Description = "Activation cache folder (default: ~/.cache/steerlab/activations; 'none' to disable)" };
        var name = new Option<string?>("--name") { Description = "Vector name" };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the vector JSON", Required = true };
        var command = new Command("build-vector", "Build a steering vector from a contrastive dataset")
        { model, dataset, method, hook, sae, tau, k, noCommon, readPosition, target, beta, cache, name, output };
        command.SetAction((parse, cancellation) =>
        {
            var options = new VectorBuildOptions
            {
                Method = ParseMethod(parse.GetValue(method)!),
                Hook = HookPoint.Parse(parse.GetValue(hook)!),
                SaePath = parse.GetValue(sae),
                Tau = parse.GetValue(tau) ?? new Steering.Builders.SasOptions().Tau,
                K = parse.GetValue(k),
                RemoveCommonFeatures = !parse.GetValue(noCommon),
                ReadPosition = ParseReadPosition(parse.GetValue(readPosition)!),
                TargetFeature = parse.GetValue(target),
                Beta = parse.GetValue(beta),
                CacheFolder = CacheFolder(parse.GetValue(cache)),
                Name = parse.GetValue(name),
            };
            return Task.FromResult(Run(parse.GetValue(model)!.FullName, parse.GetValue(dataset)!.FullName, options, parse.GetValue(output)!.FullName, cancellation));
        });
        return command;
    }

    static int Run(string modelDir, string datasetPath, VectorBuildOptions options, string outPath, CancellationToken cancellation)
    {
        var dataset = ContrastiveDatasetReader.Read(datasetPath);
        using var loaded = LoadedModel.Open(modelDir);
        var pipeline = new VectorBuildPipeline(loaded);
        var progress = new Progress<(string Stage, int Done, int Total)>(p => Console.Error.Write($"\r{p.Stage}: {p.Done}/{p.Total}   "));
        var vector = pipeline.Build(dataset, options, progress, cancellation);
        Console.Error.WriteLine();
        using (var stream = File.Create(outPath)) VectorDocument.Write(vector, stream);
        Console.WriteLine($"{vector.Name}: {VectorDocument.MethodName(vector.Method)} at {vector.Hook}, {dataset.Pairs.Count} pairs, " +
            $"L0 {vector.L0}, L2 {vector.L2Norm:G4}; activations {(pipeline.ActivationsFromCache ? "from the cache" : $"from {pipeline.ModelForwards} forwards")} → {outPath}");
        return 0;
    }

    internal static SteeringMethod ParseMethod(string text) => text.ToLowerInvariant() switch
    {
        "caa" => SteeringMethod.Caa,
        "enr" or "topk-enr" or "topk_enr" => SteeringMethod.TopKEnr,
        "sas" => SteeringMethod.Sas,
        "sae-ts" or "sae_ts" or "saets" => SteeringMethod.SaeTs,
        _ => throw new ArgumentException($"--method must be caa, enr, sas or sae-ts, not '{text}'"),
    };

    static ReadPosition ParseReadPosition(string text) => text.ToLowerInvariant() switch
    {
        "answer" or "answer-token" => ReadPosition.AnswerToken,
        "last-prompt" or "last-prompt-token" => ReadPosition.LastPromptToken,
        "completion-mean" or "mean" => ReadPosition.CompletionMean,
        _ => throw new ArgumentException($"--read-position must be answer, last-prompt or completion-mean, not '{text}'"),
    };

    static string? CacheFolder(string? option) => option switch
    {
        "none" => null,
        null => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "steerlab", "activations"),
        _ => option,
    };
}

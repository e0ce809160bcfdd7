using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Steering.Documents;

namespace SteerLab.Engine.Cli;

/// <summary><c>sweep --model DIR --dataset FILE --vector FILE.json --lambdas -4,-2,0,2,4 [--sae DIR] [--no-delta] [--json]</c>:
/// mean p(answer matching behaviour) over an A/B test set at each λ, printing
/// <c>{"points":[{"lambda":…, "p_matching":…, "n":…, "ci_low":…, "ci_high":…}]}</c> with --json.</summary>
static class SweepCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder", Required = true };
        var dataset = new Option<FileInfo>("--dataset") { Description = "A/B test set (CAA test_dataset_ab.json, or prompt/correct/incorrect)", Required = true };
        var vectorFile = new Option<FileInfo>("--vector") { Description = "steerlab.vector/1 JSON", Required = true };
        var lambdas = new Option<string>("--lambdas") { Description = "Comma-separated λ grid", DefaultValueFactory = _ => "-4,-2,0,2,4" };
        var sae = new Option<string?>("--sae") { Description = "The SAE of a sparse vector" };
        var noDelta = new Option<bool>("--no-delta") { Description = "SAS without the Δ (reconstruction error) correction" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("sweep", "A/B λ-sweep: p(matching behaviour) under steering") { model, dataset, vectorFile, lambdas, sae, noDelta, json };
        command.SetAction((parse, cancellation) => Task.FromResult(Run(parse.GetValue(model)!.FullName, parse.GetValue(dataset)!.FullName,
            parse.GetValue(vectorFile)!.FullName, ParseLambdas(parse.GetValue(lambdas)!), parse.GetValue(sae), !parse.GetValue(noDelta), parse.GetValue(json), cancellation)));
        return command;
    }

    static int Run(string modelDir, string datasetPath, string vectorPath, double[] lambdas, string? saePath, bool delta, bool json, CancellationToken cancellation)
    {
        using var loaded = LoadedModel.Open(modelDir);
        var config = loaded.Model.Config;
        using var sae = saePath is null ? null : SaeLoader.Load(saePath, config.DModel, config.LayerCount);
        var vector = VectorDocumentReader.Read(vectorPath, new VectorImportContext(config.DModel, config.LayerCount, sae?.DSae));
        if (vector.IsSparse && sae is null) throw new ArgumentException($"'{vector.Name}' is sparse: give its SAE with --sae");
        var questions = new ContrastivePrompts(loaded.RequireTokenizer(), loaded.ChatTemplate).ToAbQuestions(AbTestSetReader.Read(datasetPath));
        var points = LambdaSweep.Run(loaded.Model, questions, vector, lambdas, sae is null ? null : _ => sae,
            new SweepOptions { DeltaCorrection = delta, PadId = config.PadId ?? 0 }, cancellationToken: cancellation);
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                vector = vector.Name,
                method = VectorDocument.MethodName(vector.Method),
                points = points.Select(p => new { lambda = p.Lambda, p_matching = p.MeanProbability, n = p.Count, ci_low = p.IntervalLow, ci_high = p.IntervalHigh }),
            }));
        else
            foreach (var p in points)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"λ = {p.Lambda,6:0.###}   p(matching) = {p.MeanProbability:0.0000}   95% CI [{p.IntervalLow:0.000}, {p.IntervalHigh:0.000}]   n = {p.Count}"));
        return 0;
    }

    static double[] ParseLambdas(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select((part, i) => double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value : throw new ArgumentException($"--lambdas entry {i} ('{part}') is not a number")).ToArray();
}

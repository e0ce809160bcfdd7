using System.Globalization;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Sae.Training;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>The SAEs of the width-scaling section: one per width, trained with one recipe (<see cref="WidthSaeSettings"/>)
/// on text the model samples itself, and kept in the cache folder under a name that spells out the model's content hash,
/// the hook and every training setting — so a re-run loads them, and a change of any of those trains anew.</summary>
public static class WidthSaeCache
{
    public static IReadOnlyList<ReportSae> LoadOrTrain(ReportWorkspace workspace, Action<string> status, CancellationToken cancellation)
    {
        var recipe = workspace.Settings.WidthSaes;
        var model = workspace.Model;
        string modelHash = ReportProvenance.ModelContentHash(workspace.Loaded.Directory)[..16];
        string root = Path.Combine(workspace.Inputs.CacheFolder, $"{workspace.Loaded.Name}-{modelHash}", workspace.Hook.Name);
        IReadOnlyList<int[]>? sequences = null;
        var result = new List<ReportSae>();
        foreach (int width in recipe.Widths.Distinct().Order())
        {
            string folder = Path.Combine(root, FolderName(width, recipe));
            bool cached = File.Exists(Path.Combine(folder, "cfg.json"));
            if (!cached)
            {
                sequences ??= Sample(workspace, recipe, status, cancellation);
                status($"training a TopK SAE of width {width} (k {recipe.K}, {recipe.Steps} steps of {recipe.BatchTokens} tokens)");
                var options = new SaeTrainingOptions
                {
                    Hook = workspace.Hook,
                    Width = width,
                    Kind = SaeTrainingKind.TopK,
                    K = recipe.K,
                    Steps = recipe.Steps,
                    BatchTokens = recipe.BatchTokens,
                    LearningRate = recipe.LearningRate,
                    Seed = recipe.Seed,
                    ProgressEvery = Math.Max(1, recipe.Steps / 4),
                    MaxLossSequences = 64,
                };
                using var trained = SaeTrainingRun.Execute(model, workspace.Loaded.Name, sequences, SourceText(recipe), options,
                    progress: p => status(Text($"  width {width}: step {p.Step}/{p.TotalSteps}, loss {p.Loss:F4}, L0 {p.L0:F1}, dead {p.DeadFraction:P1}")),
                    cancellation: cancellation);
                string staging = folder + ".new";
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
                trained.Save(staging);
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
                Directory.Move(staging, folder);
            }
            else status($"SAE of width {width}: from the cache ({ReportProvenance.Shown(folder)})");
            result.Add(ReportSae.Load(folder, $"w{width}", model.Config.DModel, model.Config.LayerCount, trainedForReport: true, fromCache: cached));
        }
        return result;
    }

    /// <summary>"w1024-k32-s400-b1024-lr0.001-n1536x128-seed7".</summary>
    public static string FolderName(int width, WidthSaeSettings recipe) => string.Create(CultureInfo.InvariantCulture,
        $"w{width}-k{recipe.K}-s{recipe.Steps}-b{recipe.BatchTokens}-lr{recipe.LearningRate:R}-n{recipe.Sequences}x{recipe.SequenceTokens}-seed{recipe.Seed}");

    public static string SourceText(WidthSaeSettings recipe) =>
        Text($"self-generated: {recipe.Sequences} sequences of up to {recipe.SequenceTokens} new tokens from BOS (temperature 1, seed {recipe.Seed})");

    static IReadOnlyList<int[]> Sample(ReportWorkspace workspace, WidthSaeSettings recipe, Action<string> status, CancellationToken cancellation)
    {
        status($"sampling {recipe.Sequences} sequences of {recipe.SequenceTokens} tokens from the model to train SAEs on");
        int tokens = Math.Min(recipe.SequenceTokens, workspace.Model.Config.MaxPositions - 1);
        return SelfGeneratedSequences.Sample(workspace.Model, recipe.Sequences, tokens, recipe.Seed, cancellation: cancellation);
    }

    static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using SteerLab.Shared.Runs;

namespace SteerLab.Client.Pages.Runs.New;

/// <summary>The new-run form's fields, named by their JSON path in a <see cref="RunRequest"/>, and where the server's
/// errors (<see cref="RunStart.Errors"/>) belong among them.</summary>
public static class RunFields
{
    public const string Kind = "kind";
    public const string Name = "name";
    public const string Vectors = "vectorIds";
    public const string DenseGrid = "denseLambdas";
    public const string SparseGrid = "sparseLambdas";
    public const string TestSet = "abSweep.testSetId";
    public const string AbMaxQuestions = "abSweep.maxQuestions";
    public const string Questions = "openEnded.questionsJson";
    public const string QuestionSetName = "openEnded.questionSetName";
    public const string Behaviour = "openEnded.behaviourDescription";
    public const string Judge = "openEnded.judge";
    public const string Contrast = "openEnded.judge.contrast";
    public const string JudgeModel = "openEnded.judge.judgeModel";
    public const string PromptFormat = "openEnded.promptFormat";
    public const string OpenMaxQuestions = "openEnded.maxQuestions";
    public const string MaxNewTokens = "openEnded.maxNewTokens";
    public const string Temperature = "openEnded.temperature";
    public const string TopP = "openEnded.topP";
    public const string Seed = "openEnded.seed";
    public const string HeldOut = "sideEffects.heldOutDatasetId";
    public const string Benchmarks = "sideEffects.benchmarkIds";
    public const string WindowTokens = "sideEffects.windowTokens";
    public const string MaxWindows = "sideEffects.maxWindows";
    public const string MaxBenchmarkQuestions = "sideEffects.maxBenchmarkQuestions";

    static readonly string[] Common = [Kind, Name, Vectors, DenseGrid, SparseGrid];
    static readonly string[] AbSweep = [TestSet, AbMaxQuestions];
    static readonly string[] OpenEnded = [Questions, QuestionSetName, Behaviour, Judge, Contrast, JudgeModel, PromptFormat, OpenMaxQuestions,
        MaxNewTokens, Temperature, TopP, Seed];
    static readonly string[] SideEffects = [HeldOut, Benchmarks, WindowTokens, MaxWindows, MaxBenchmarkQuestions];

    /// <summary>The fields a run of <paramref name="kind"/> shows.</summary>
    public static IReadOnlyList<string> Of(string kind) => [.. Common, .. kind switch
    {
        RunKinds.AbSweep => AbSweep,
        RunKinds.OpenEnded => OpenEnded,
        RunKinds.SideEffects => SideEffects,
        _ => [],
    }];

    /// <summary>The server's errors by this form's fields. The server may name a field by its full path in any case
    /// ("OpenEnded.BehaviourDescription", "openEnded.behaviourDescription"), by its last segment ("testSetId"), or with
    /// an index ("vectorIds[2]"); a key that matches no field of the kind is kept as it came, to be shown on its own.</summary>
    public static Dictionary<string, string> FromServer(IReadOnlyDictionary<string, string[]> errors, string kind)
    {
        var fields = Of(kind);
        var byField = new Dictionary<string, string>();
        foreach (var (key, messages) in errors)
        {
            string field = FieldOf(key, fields) ?? key;
            string message = string.Join(" ", messages);
            byField[field] = byField.TryGetValue(field, out var earlier) ? $"{earlier} {message}" : message;
        }
        return byField;
    }

    static string? FieldOf(string key, IReadOnlyList<string> fields)
    {
        string normal = Normalise(key);
        if (fields.FirstOrDefault(f => f.Equals(normal, StringComparison.OrdinalIgnoreCase)) is { } exact) return exact;
        string last = normal[(normal.LastIndexOf('.') + 1)..];
        // Everything about the judge that is not its contrast or model is about which judge (kind, setting id).
        if (fields.Contains(Judge) && (normal.StartsWith("openended.judge", StringComparison.Ordinal) || normal.StartsWith("judge", StringComparison.Ordinal)))
            return last switch { "contrast" => Contrast, "judgemodel" => JudgeModel, _ => Judge };
        if (last is "vectors" or "vectorid") return Vectors;
        return fields.FirstOrDefault(f => f[(f.LastIndexOf('.') + 1)..].Equals(last, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>"$.OpenEnded.Judge[0].Kind" → "openended.judge.kind".</summary>
    static string Normalise(string key)
    {
        string k = key.Trim();
        if (k.StartsWith("$.", StringComparison.Ordinal)) k = k[2..];
        var text = new System.Text.StringBuilder();
        int depth = 0;
        foreach (char c in k)
        {
            if (c == '[') depth++;
            else if (c == ']') depth = Math.Max(0, depth - 1);
            else if (depth == 0) text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}

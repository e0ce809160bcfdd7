using SteerLab.Shared.Compare;
using SteerLab.Shared.Runs;

namespace SteerLab.Client.Pages.Runs.New;

/// <summary>The new-run form's state: what the user has typed and chosen so far, checked and turned into a
/// <see cref="RunRequest"/> by <see cref="Build"/>. Defaults are the contracts' own (the settings records' default
/// arguments, the sweep's default grids).</summary>
public sealed class RunDraft
{
    static readonly AbSweepRunSettings AbDefaults = new(Guid.Empty);
    static readonly OpenEndedRunSettings OpenDefaults = new("[]", "", "", new JudgeChoice(JudgeKinds.Classifier));
    static readonly SideEffectsRunSettings SideDefaults = new(null, []);

    /// <summary>The judge choice "openai:{id}" of a team's OpenAI-compatible judge; "classifier" and "model" otherwise.</summary>
    public static string OpenAiJudge(Guid id) => $"{JudgeKinds.OpenAi}:{id}";

    public string Kind { get; set; } = RunKinds.AbSweep;
    public string? Name { get; set; }
    public IReadOnlyCollection<Guid> VectorIds { get; set; } = [];
    public string DenseGrid { get; set; } = RunGrid.Format(SweepRequest.DefaultDenseLambdas);
    public string SparseGrid { get; set; } = RunGrid.Format(SweepRequest.DefaultSparseLambdas);
    public bool DeltaCorrection { get; set; } = true;

    // A/B sweep
    public Guid? TestSetId { get; set; }
    public int AbMaxQuestions { get; set; } = AbDefaults.MaxQuestions;

    // Open-ended
    public string QuestionLines { get; set; } = "";
    /// <summary>An uploaded questions file, already checked; it replaces the typed lines while set.</summary>
    public (string FileName, string Json, int Count)? QuestionFile { get; set; }
    public string QuestionSetName { get; set; } = "";
    public string BehaviourDescription { get; set; } = "";
    public string PromptFormat { get; set; } = OpenDefaults.PromptFormat;
    /// <summary>Set once the user picks a prompt format, after which choosing vectors no longer changes it.</summary>
    public bool PromptFormatChosen { get; set; }
    public string Judge { get; set; } = JudgeKinds.Classifier;
    public string Contrast { get; set; } = RunLabels.DemoContrasts[0];
    public bool ContrastChosen { get; set; }
    /// <summary>The model judge's model folder; blank = the run's own model.</summary>
    public string? JudgeModel { get; set; }
    public int OpenMaxQuestions { get; set; } = OpenDefaults.MaxQuestions;
    public int MaxNewTokens { get; set; } = OpenDefaults.MaxNewTokens;
    public double Temperature { get; set; } = OpenDefaults.Temperature;
    public double TopP { get; set; } = OpenDefaults.TopP;
    public long Seed { get; set; } = OpenDefaults.Seed;

    // Side effects
    public Guid? HeldOutDatasetId { get; set; }
    public IReadOnlyCollection<Guid> BenchmarkIds { get; set; } = [];
    public int WindowTokens { get; set; } = SideDefaults.WindowTokens;
    public int MaxWindows { get; set; } = SideDefaults.MaxWindows;
    public int MaxBenchmarkQuestions { get; set; } = SideDefaults.MaxBenchmarkQuestions;

    /// <summary>Follows the chosen vectors where the user has not decided: raw prompts for the demo model (its answers
    /// are continuations of the question), chat otherwise; the demo classifier's contrast named by a vector.</summary>
    public void Suggest(IReadOnlyList<SteerLab.Shared.Vectors.VectorSummary> chosen)
    {
        if (!PromptFormatChosen && chosen.Count > 0)
            PromptFormat = chosen.All(v => v.Model == RunLabels.DemoModel) ? "raw" : "chat";
        if (!ContrastChosen && RunLabels.DemoContrasts.FirstOrDefault(c => chosen.Any(v => v.Name.Contains(c, StringComparison.OrdinalIgnoreCase))) is { } contrast)
            Contrast = contrast;
    }

    /// <summary>The request, or the problems by field (<see cref="RunFields"/>). Only the grids of the kinds of vector
    /// chosen are read and sent (the other is sent empty).</summary>
    public (RunRequest? Request, Dictionary<string, string> Errors) Build(bool hasDense, bool hasSparse)
    {
        var errors = new Dictionary<string, string>();
        if (VectorIds.Count == 0) errors[RunFields.Vectors] = "choose at least one vector";
        else if (VectorIds.Count > RunRequest.MaxVectors) errors[RunFields.Vectors] = $"at most {RunRequest.MaxVectors} vectors";
        double[] dense = [], sparse = [];
        if (hasDense) dense = Grid(DenseGrid, RunFields.DenseGrid, errors);
        if (hasSparse) sparse = Grid(SparseGrid, RunFields.SparseGrid, errors);

        AbSweepRunSettings? abSweep = null;
        OpenEndedRunSettings? openEnded = null;
        SideEffectsRunSettings? sideEffects = null;
        switch (Kind)
        {
            case RunKinds.AbSweep:
                if (TestSetId is null) errors[RunFields.TestSet] = "choose an A/B dataset";
                AtLeast(AbMaxQuestions, 1, RunFields.AbMaxQuestions, errors);
                abSweep = new AbSweepRunSettings(TestSetId ?? Guid.Empty, AbMaxQuestions);
                break;
            case RunKinds.OpenEnded:
                openEnded = BuildOpenEnded(errors);
                break;
            case RunKinds.SideEffects:
                if (HeldOutDatasetId is null && BenchmarkIds.Count == 0)
                    errors[RunFields.Benchmarks] = "choose held-out text, benchmarks, or both";
                AtLeast(WindowTokens, 2, RunFields.WindowTokens, errors);
                AtLeast(MaxWindows, 1, RunFields.MaxWindows, errors);
                AtLeast(MaxBenchmarkQuestions, 1, RunFields.MaxBenchmarkQuestions, errors);
                sideEffects = new SideEffectsRunSettings(HeldOutDatasetId, BenchmarkIds.ToList(), WindowTokens, MaxWindows, MaxBenchmarkQuestions);
                break;
            default:
                errors[RunFields.Kind] = "choose what kind of run";
                break;
        }
        if (errors.Count > 0) return (null, errors);
        string? name = string.IsNullOrWhiteSpace(Name) ? null : Name.Trim();
        return (new RunRequest(Kind, name, VectorIds.ToList(), dense, sparse, DeltaCorrection, abSweep, openEnded, sideEffects), errors);
    }

    private OpenEndedRunSettings BuildOpenEnded(Dictionary<string, string> errors)
    {
        var questions = QuestionFile is { } file ? new OpenQuestionsText.Result(file.Json, file.Count, null) : OpenQuestionsText.FromLines(QuestionLines);
        if (questions.Problem is { } problem) errors[RunFields.Questions] = problem;
        if (string.IsNullOrWhiteSpace(BehaviourDescription)) errors[RunFields.Behaviour] = "describe the behaviour the judge should score";
        AtLeast(OpenMaxQuestions, 1, RunFields.OpenMaxQuestions, errors);
        AtLeast(MaxNewTokens, 1, RunFields.MaxNewTokens, errors);
        if (!(Temperature >= 0) || !double.IsFinite(Temperature)) errors[RunFields.Temperature] = "must be 0 or more (0 = greedy)";
        if (!(TopP > 0 && TopP <= 1)) errors[RunFields.TopP] = "must be above 0 and at most 1";
        if (PromptFormat is not ("chat" or "raw")) errors[RunFields.PromptFormat] = "choose chat or raw";

        JudgeChoice judge;
        if (Judge == JudgeKinds.Classifier) judge = new JudgeChoice(JudgeKinds.Classifier, Contrast: Contrast);
        else if (Judge == JudgeKinds.Model) judge = new JudgeChoice(JudgeKinds.Model, JudgeModel: string.IsNullOrWhiteSpace(JudgeModel) ? null : JudgeModel.Trim());
        else if (Judge.StartsWith(JudgeKinds.OpenAi + ":", StringComparison.Ordinal) && Guid.TryParse(Judge[(JudgeKinds.OpenAi.Length + 1)..], out var id))
            judge = new JudgeChoice(JudgeKinds.OpenAi, JudgeSettingId: id);
        else
        {
            errors[RunFields.Judge] = "choose a judge";
            judge = new JudgeChoice(Judge);
        }
        // Typed questions without a name are "typed questions" (an upload is named after its file).
        string setName = string.IsNullOrWhiteSpace(QuestionSetName) ? (QuestionFile is null ? "typed questions" : "questions") : QuestionSetName.Trim();
        return new OpenEndedRunSettings(questions.Json ?? "[]", setName, BehaviourDescription.Trim(), judge, PromptFormat,
            OpenMaxQuestions, MaxNewTokens, Temperature, TopP, Seed);
    }

    private static double[] Grid(string text, string field, Dictionary<string, string> errors)
    {
        var (values, problem) = RunGrid.Parse(text);
        if (problem is not null) errors[field] = problem;
        return values ?? [];
    }

    private static void AtLeast(int value, int minimum, string field, Dictionary<string, string> errors)
    {
        if (value < minimum) errors[field] = $"must be at least {minimum}";
    }
}

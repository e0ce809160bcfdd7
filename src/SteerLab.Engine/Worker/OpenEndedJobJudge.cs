using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Runs;

namespace SteerLab.Engine.Worker;

/// <summary>The judge an "open-ended" job asked for (<see cref="OpenEndedJudgeParameters"/>), built on the engine:
/// "classifier" — the demo's genre classifier for one demo contrast, coherence from the run's model;
/// "model" — the rubric read from a model's score-token probabilities (the run's model, or a judge model leased for the
/// job's duration); "none" — nothing is judged here (the server's OpenAI-compatible judge scores the stored answers
/// afterwards). Dispose to give back a judge model's lease.</summary>
sealed class OpenEndedJobJudge : IDisposable
{
    readonly ModelLease? judgeLease;

    OpenEndedJobJudge(IJudge judge, bool judges, ModelLease? judgeLease)
    {
        Judge = judge;
        Judges = judges;
        this.judgeLease = judgeLease;
    }

    public IJudge Judge { get; }

    /// <summary>False for "none": the answers' judgements are not results and are left out (null).</summary>
    public bool Judges { get; }

    /// <summary>The judge's name as results show it; "none" when nothing is judged.</summary>
    public string Name => Judges ? Judge.Name : OpenEndedJudgeParameters.None;

    public static readonly IReadOnlyList<string> Kinds = [JudgeKinds.Classifier, JudgeKinds.Model, OpenEndedJudgeParameters.None];

    /// <summary>Refuses an unknown judge kind before any model is loaded.</summary>
    public static void Check(OpenEndedJudgeParameters? judge)
    {
        if (judge is null) throw new ArgumentException("judge: missing (give {\"kind\": \"classifier\" | \"model\" | \"none\"})");
        if (!Kinds.Contains(judge.Kind)) throw new ArgumentException($"judge.kind: must be one of {string.Join(", ", Kinds)}, not '{judge.Kind}'");
        if (judge.Kind == JudgeKinds.Classifier) Contrast(judge.Contrast);
    }

    /// <param name="run">The lease of the model that generates the answers.</param>
    /// <param name="runModel">That model's name, for the model judge's name.</param>
    public static OpenEndedJobJudge Create(OpenEndedJudgeParameters parameters, ModelLease run, string runModel, string runModelDir,
        ModelRoots roots, LoadedModels models, CancellationToken cancellation)
    {
        Check(parameters);
        var tokenizer = run.Tokenizer ?? throw new ArgumentException($"model '{runModel}' has no tokenizer: open-ended answers are text");
        switch (parameters.Kind)
        {
            case JudgeKinds.Classifier:
                return new(ClassifierJudge.ForDemo(DemoFolder(runModelDir, roots), Contrast(parameters.Contrast), run.Model, tokenizer), judges: true, null);
            case JudgeKinds.Model when parameters.JudgeModel is null || parameters.JudgeModel == runModel:
                return new(new ModelJudge(run.Model, tokenizer, run.ChatTemplate, new ModelJudgeOptions { Name = $"model:{runModel}" }), judges: true, null);
            case JudgeKinds.Model:
                var lease = models.Acquire(roots.Resolve(parameters.JudgeModel), cancellation);
                if (lease.Tokenizer is not { } judgeTokenizer)
                {
                    lease.Dispose();
                    throw new ArgumentException($"judge.judgeModel: model '{parameters.JudgeModel}' has no tokenizer, so it cannot read the rubric");
                }
                return new(new ModelJudge(lease.Model, judgeTokenizer, lease.ChatTemplate, new ModelJudgeOptions { Name = $"model:{parameters.JudgeModel}" }),
                    judges: true, lease);
            default:
                return new(new NotJudged(), judges: false, null);
        }
    }

    static DemoContrast Contrast(string? id) =>
        DemoContrast.All.FirstOrDefault(c => c.Id == id)
        ?? throw new ArgumentException($"judge.contrast: '{id}' is not a demo contrast (known: {string.Join(", ", DemoContrast.All.Select(c => c.Id))})");

    /// <summary>The demo folder holding the classifier and the manifest: the folder the run's model sits in (the demo
    /// model lives inside the demo folder), a model root that is (or holds) the demo folder, or the demo beside the
    /// application.</summary>
    static string DemoFolder(string runModelDir, ModelRoots roots)
    {
        var candidates = new List<string?> { Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(runModelDir)) };
        foreach (string root in roots.Folders) candidates.AddRange([root, Path.Combine(root, DemoAssets.FolderName)]);
        candidates.Add(DemoAssets.FindFolder());
        foreach (string? folder in candidates)
            if (folder is not null && File.Exists(Path.Combine(folder, GenreClassifier.FileName)) && File.Exists(Path.Combine(folder, DemoAssets.ManifestFileName)))
                return folder;
        throw new ArgumentException($"judge: the classifier judge needs the built-in demo ({GenreClassifier.FileName} and {DemoAssets.ManifestFileName}), " +
            "found neither beside the model, under the model roots, nor beside the application");
    }

    public void Dispose() => judgeLease?.Dispose();

    /// <summary>The judge of "none": every judgement is NotAvailable, and the job leaves them out of its result.</summary>
    sealed class NotJudged : IJudge
    {
        public string Name => OpenEndedJudgeParameters.None;

        public Task<Judgement> ScoreAsync(JudgeRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(Judgement.NotScored(JudgementStatus.NotAvailable, "", "not judged in the engine"));
    }
}

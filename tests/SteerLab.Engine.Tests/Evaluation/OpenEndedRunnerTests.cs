using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Engine.Evaluation.OpenEnded;
using SteerLab.Engine.Generation;
using SteerLab.Engine.Models;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;
using Xunit.Abstractions;

namespace SteerLab.Engine.Tests.Evaluation;

public class OpenEndedRunnerTests(ITestOutputHelper output)
{
    static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is missing");

    static readonly OpenQuestion[] Questions = [new("It was"), new("She said")];

    static OpenEndedSettings Settings => new()
    {
        BehaviourDescription = "The text reads like romance fiction rather than press reportage.",
        PromptFormat = OpenPromptFormat.Raw,
        MaxNewTokens = 24,
        Sampling = new SamplingSettings(Temperature: 1.0, TopP: 0.95, Seed: 7),
    };

    static SteeringVector RomanceCaa() =>
        VectorDocumentReader.Read(Path.Combine(DemoFolder, DemoAssets.VectorFolderName, DemoAssets.VectorFileName(DemoContrast.RomanceVsPress, SteeringMethod.Caa)));

    [Fact]
    public async Task DemoWithClassifierJudge_GivesAnItemPerQuestionAndLambda_AndSameSeedAnswersMatch()
    {
        using var loaded = LoadedModel.Open(Path.Combine(DemoFolder, DemoAssets.ModelFolderName));
        var tokenizer = loaded.RequireTokenizer();
        var judge = ClassifierJudge.ForDemo(DemoFolder, DemoContrast.RomanceVsPress, loaded.Model, tokenizer);
        var runner = new OpenEndedRunner(loaded.Model, tokenizer, loaded.ChatTemplate);
        var progress = new List<OpenEndedProgress>();
        var report = await runner.RunAsync(Questions, SteeringGrid.Of(RomanceCaa(), [0, 4]), judge, Settings,
            progress: new SynchronousProgress<OpenEndedProgress>(progress.Add));

        Assert.Equal(2, report.QuestionCount);
        Assert.Equal(4, report.Items.Count);
        Assert.Equal([0.0, 4.0], report.Points.Select(p => p.Lambda));
        foreach (var point in report.Points.Append(report.Unsteered))
            foreach (var summary in new[] { point.Behaviour, point.Coherence, point.Product })
            {
                Assert.Equal(2, summary.Scored + summary.Excluded.Total);
                if (summary.Mean is double mean) Assert.InRange(mean, summary.Low!.Value, summary.High!.Value);
            }
        Assert.Equal(6, progress[^1].Done);
        Assert.Equal(6, progress[^1].Total);

        foreach (var group in report.Items.GroupBy(i => i.QuestionIndex))
        {
            // One unsteered answer per question, shared by every λ; at λ = 0 the steered answer is the same text (same seed).
            Assert.Single(group.Select(i => i.Unsteered).Distinct());
            var atZero = group.Single(i => i.Lambda == 0);
            Assert.Equal(atZero.Unsteered.NewIds, atZero.Steered.NewIds);
            Assert.Equal(atZero.Unsteered.Text, atZero.Steered.Text);
        }
        // The unsteered answer is what the model writes for that prompt alone at that seed (batching changes nothing).
        var alone = new TokenGenerator(loaded.Model).Generate(new GenerationRequest
        {
            Prompts = [tokenizer.Encode(Questions[1].Question, addBos: true)],
            MaxNewTokens = Settings.MaxNewTokens,
            Sampling = Settings.Sampling,
            StopIds = loaded.Model.Config.EosIds.Concat(tokenizer.StopIds).ToHashSet(),
        });
        Assert.Equal(alone[0].NewIds, report.Items.First(i => i.QuestionIndex == 1).Unsteered.NewIds);
        Assert.Contains(report.Items, i => i.Lambda == 4 && !i.Steered.NewIds.SequenceEqual(i.Unsteered.NewIds));

        foreach (var item in report.Items)
        {
            output.WriteLine($"λ={item.Lambda} q{item.QuestionIndex}: steered b={item.Steered.Behaviour.Score:F2} c={item.Steered.Coherence.Score:F2} " +
                $"[{item.Steered.Text.Replace('\n', ' ')}] | unsteered b={item.Unsteered.Behaviour.Score:F2} c={item.Unsteered.Coherence.Score:F2} [{item.Unsteered.Text.Replace('\n', ' ')}]");
            foreach (var judgement in new[] { item.Steered.Behaviour, item.Steered.Coherence })
                if (judgement.Score is double s) Assert.InRange(s, 0, 10);
        }
        foreach (var point in report.Points.Prepend(report.Unsteered))
            output.WriteLine($"λ={point.Lambda}: behaviour {point.Behaviour.Mean:F3} coherence {point.Coherence.Mean:F3} product {point.Product.Mean:F3}");
    }

    [Fact]
    public async Task UnscoredJudgements_AreCountedByStatus_AndLeftOutOfTheMeans()
    {
        using var loaded = LoadedModel.Open(Path.Combine(DemoFolder, DemoAssets.ModelFolderName));
        var runner = new OpenEndedRunner(loaded.Model, loaded.RequireTokenizer(), loaded.ChatTemplate);
        var report = await runner.RunAsync(Questions, SteeringGrid.Of(RomanceCaa(), [2]), new ScriptedJudge(), Settings with { MaxNewTokens = 4 });

        // Behaviour: question 0 is scored 8, question 1's reply is unparseable. Coherence: question 0 throws, question 1 is "{\"score\": 12}".
        var point = report.Points.Single();
        Assert.Equal(0.8, point.Behaviour.Mean!.Value, 12);
        Assert.Equal((1, 1), (point.Behaviour.Scored, point.Behaviour.Excluded.Unparseable));
        Assert.Equal((0, 1, 1), (point.Coherence.Scored, point.Coherence.Excluded.Failed, point.Coherence.Excluded.OutOfRange));
        Assert.Null(point.Coherence.Mean);
        Assert.Equal((0, 1, 1), (point.Product.Scored, point.Product.Excluded.Failed, point.Product.Excluded.Unparseable));
        var failed = report.Items.First(i => i.QuestionIndex == 0).Steered.Coherence;
        Assert.Equal(JudgementStatus.Failed, failed.Status);
        Assert.Contains("judge endpoint down", failed.Detail);
        Assert.Equal("eight-ish", report.Items.First(i => i.QuestionIndex == 1).Steered.Behaviour.RawText);
    }

    [Fact]
    public async Task Cancellation_StopsTheRun()
    {
        using var loaded = LoadedModel.Open(Path.Combine(DemoFolder, DemoAssets.ModelFolderName));
        var runner = new OpenEndedRunner(loaded.Model, loaded.RequireTokenizer(), loaded.ChatTemplate);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            runner.RunAsync(Questions, SteeringGrid.Of(RomanceCaa(), [2]), new ScriptedJudge(), Settings, cancellationToken: cancel.Token));
    }

    /// <summary>Answers by question: "It was" gets behaviour "8" and a coherence exception; "She said" gets an
    /// unparseable behaviour reply and an out-of-range coherence score.</summary>
    sealed class ScriptedJudge : IJudge
    {
        public string Name => "scripted";

        public Task<Judgement> ScoreAsync(JudgeRequest request, CancellationToken cancellationToken)
        {
            bool first = request.Question == "It was";
            return (request.Item, first) switch
            {
                (RubricItem.Behaviour, true) => Task.FromResult(JudgeAnswerParser.Parse("8")),
                (RubricItem.Behaviour, false) => Task.FromResult(JudgeAnswerParser.Parse("eight-ish")),
                (RubricItem.Coherence, true) => throw new HttpRequestException("judge endpoint down"),
                _ => Task.FromResult(JudgeAnswerParser.Parse("{\"score\": 12}")),
            };
        }
    }

    sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SteerLab.Client.Components;
using SteerLab.Client.Pages.Runs;
using SteerLab.Client.Tests.Pages.Vectors;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Compare;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Runs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Runs;

/// <summary>The new-run form: grids read strictly with the problem at the field, the request each kind sends, the
/// server's errors at their fields, and the run's page opened once it started.</summary>
public sealed class NewRunFormTests
{
    static readonly VectorSummary Caa = FakeVectorService.Summary("romance-vs-press CAA", VectorMethods.Caa, model: "steerlab-brown-demo");
    static readonly VectorSummary Sas = FakeVectorService.Summary("romance-vs-press SAS", VectorMethods.Sas, model: "steerlab-brown-demo");
    static readonly VectorSummary Learned = FakeVectorService.Summary("learned-vs-fiction CAA", VectorMethods.Caa, model: "steerlab-brown-demo");
    static readonly VectorSummary Gemma = FakeVectorService.Summary("honesty CAA", VectorMethods.Caa, model: "gemma-2-2b-it");
    static readonly DatasetSummary AbSet = FakeDatasetList.Summary("romance A/B", DatasetPairKind.AnswerChoice);
    static readonly DatasetSummary Mmlu = FakeDatasetList.Summary("mmlu", DatasetPairKind.AnswerChoice, 100);
    static readonly DatasetSummary HeldOut = FakeDatasetList.Summary("brown held-out", DatasetPairKind.Completion, 300);

    sealed record Setup(BunitContext Ctx, FakeRunService Runs, FakeJudgeSettingsService Judges, IRenderedComponent<NewRunPage> Page);

    static Setup Render(params VectorSummary[] preselected) => Render(TeamRoles.Editor, preselected);

    static Setup Render(string role, params VectorSummary[] preselected)
    {
        var runs = new FakeRunService();
        var vectors = new FakeVectorService();
        vectors.Vectors.AddRange([Caa, Sas, Learned, Gemma]);
        var datasets = new FakeDatasetList();
        datasets.Datasets.AddRange([HeldOut, AbSet, Mmlu]);
        var judges = new FakeJudgeSettingsService();
        judges.Judges.Add(FakeJudgeSettingsService.Judge("team GPT"));
        var ctx = RunsTestContext.New(runs, vectors, datasets, judges, role);
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"runs/new?vectors={string.Join(",", preselected.Select(v => v.Id))}");
        return new(ctx, runs, judges, ctx.Render<NewRunPage>());
    }

    static async Task ChooseKindAsync(IRenderedComponent<NewRunPage> page, string kind) =>
        await page.InvokeAsync(() => page.FindComponent<MudRadioGroup<string>>().Instance.ValueChanged.InvokeAsync(kind));

    static IRenderedComponent<MudSelect<T>> Select<T>(IRenderedComponent<NewRunPage> page, string label) =>
        page.FindComponents<MudSelect<T>>().Single(s => s.Instance.Label == label);

    /// <summary>The error text MudBlazor shows under the field whose input has <paramref name="testId"/>.</summary>
    static string ErrorAt(IRenderedComponent<NewRunPage> page, string testId) =>
        page.Find($"[data-testid={testId}]").Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent ?? "";

    [Fact]
    public async Task AGridEntryThatIsNotANumber_IsNamedAtTheGrid_AndNothingIsSent()
    {
        var (ctx, runs, _, page) = Render(Caa);
        await using var _ = ctx;

        page.Find("input[data-testid=run-dense-grid]").Change("−4, −2, two, 4");
        page.Find("[data-testid=run-start]").Click();

        Assert.Contains("'two' is not a number", ErrorAt(page, "run-dense-grid"));
        Assert.Empty(runs.Started);

        page.Find("input[data-testid=run-dense-grid]").Change("1, 2, 1");
        page.Find("[data-testid=run-start]").Click();
        Assert.Contains("1 appears more than once", ErrorAt(page, "run-dense-grid"));
        Assert.Empty(runs.Started);
    }

    [Fact]
    public async Task AbSweep_SendsTheVectorsBothGridsAndTheTestSet_ThenOpensTheRunsPage()
    {
        var (ctx, runs, _, page) = Render(Caa, Sas);
        await using var _ = ctx;

        page.Find("input[data-testid=run-dense-grid]").Change("−4, −2, 0, 2, 4");
        page.Find("input[data-testid=run-ab-max-questions]").Change("20");
        page.Find("input[data-testid=run-name-field]").Change("romance sweep");
        page.Find("[data-testid=run-start]").Click();

        var request = Assert.Single(runs.Started);
        Assert.Equal(RunKinds.AbSweep, request.Kind);
        Assert.Equal("romance sweep", request.Name);
        Assert.Equal([Caa.Id, Sas.Id], request.VectorIds);
        Assert.Equal([-4.0, -2, 0, 2, 4], request.DenseLambdas);
        Assert.Equal(SweepRequest.DefaultSparseLambdas, request.SparseLambdas);
        Assert.True(request.DeltaCorrection);
        Assert.Equal(new AbSweepRunSettings(AbSet.Id, 20), request.AbSweep);
        Assert.Null(request.OpenEnded);
        Assert.Null(request.SideEffects);
        Assert.Matches(@"/runs/[0-9a-f-]{36}$", ctx.Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task OnlyTheGridOfTheChosenKindOfVector_IsReadAndSent()
    {
        var (ctx, runs, _, page) = Render(Sas);
        await using var _ = ctx;

        Assert.Empty(page.FindAll("[data-testid=run-dense-grid]"));
        page.Find("[data-testid=run-start]").Click();

        var request = Assert.Single(runs.Started);
        Assert.Empty(request.DenseLambdas);
        Assert.Equal(SweepRequest.DefaultSparseLambdas, request.SparseLambdas);
    }

    [Fact]
    public async Task OpenEnded_TypedLinesBecomeCaaQuestions_TheDemoModelGetsRawPrompts_AndTheClassifierTheVectorsContrast()
    {
        var (ctx, runs, _, page) = Render(Caa);
        await using var _ = ctx;
        await ChooseKindAsync(page, RunKinds.OpenEnded);

        page.Find("textarea[data-testid=run-questions-text]").Input("Tell me about your day.\n\n  What did the letter say?  \n");
        page.WaitForAssertion(() => Assert.Contains("2 questions;", page.Find("[data-testid=run-questions]").TextContent));
        page.Find("input[data-testid=run-question-set-name]").Change("two prompts");
        page.Find("[data-testid=run-start]").Click();
        Assert.Contains("describe the behaviour", ErrorAt(page, "run-behaviour")); // required
        Assert.Empty(runs.Started);

        page.Find("textarea[data-testid=run-behaviour]").Change("reads like romance fiction");
        page.Find("input[data-testid=run-max-new-tokens]").Change("32");
        page.Find("input[data-testid=run-seed]").Change("7");
        page.Find("[data-testid=run-start]").Click();

        var request = Assert.Single(runs.Started);
        Assert.Equal(RunKinds.OpenEnded, request.Kind);
        Assert.Null(request.AbSweep);
        var settings = request.OpenEnded!;
        Assert.Equal("""[{"question":"Tell me about your day."},{"question":"What did the letter say?"}]""", settings.QuestionsJson);
        Assert.Equal("two prompts", settings.QuestionSetName);
        Assert.Equal("reads like romance fiction", settings.BehaviourDescription);
        Assert.Equal("raw", settings.PromptFormat);
        Assert.Equal(new JudgeChoice(JudgeKinds.Classifier, Contrast: "romance-vs-press"), settings.Judge);
        Assert.Equal(32, settings.MaxNewTokens);
        Assert.Equal(7, settings.Seed);
        var defaults = new OpenEndedRunSettings("", "", "", settings.Judge);
        Assert.Equal((defaults.MaxQuestions, defaults.Temperature, defaults.TopP), (settings.MaxQuestions, settings.Temperature, settings.TopP));
    }

    [Fact]
    public async Task OpenEnded_TypedQuestionsWithoutAName_AreCalledTypedQuestions()
    {
        var (ctx, runs, _, page) = Render(Caa);
        await using var _ = ctx;
        await ChooseKindAsync(page, RunKinds.OpenEnded);

        page.Find("textarea[data-testid=run-questions-text]").Input("Tell me about your day.");
        page.WaitForAssertion(() => Assert.Contains("1 question", page.Find("[data-testid=run-questions]").TextContent));
        page.Find("textarea[data-testid=run-behaviour]").Change("reads like romance fiction");
        page.Find("[data-testid=run-start]").Click();

        Assert.Empty(page.FindAll(".mud-input-error"));
        Assert.Equal("typed questions", Assert.Single(runs.Started).OpenEnded!.QuestionSetName);
    }

    [Fact]
    public async Task OpenEnded_AnUploadedFileIsSentAsUploaded_WithATeamJudgeById_AndChatPromptsForOtherModels()
    {
        var (ctx, runs, judges, page) = Render(Gemma);
        await using var _ = ctx;
        await ChooseKindAsync(page, RunKinds.OpenEnded);
        const string file = """[{"question": "Would you lie to me?"}, {"question": "Is honesty important?", "category": "x"}]""";

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(file, "test_dataset_open_ended.json"));
        page.WaitForAssertion(() => Assert.Contains("2 questions from test_dataset_open_ended.json", page.Find("[data-testid=run-questions-file]").TextContent));
        var judge = judges.Judges[0];
        await page.InvokeAsync(() => Select<string>(page, "Judge").Instance.ValueChanged.InvokeAsync($"openai:{judge.Id}"));
        page.Find("textarea[data-testid=run-behaviour]").Change("honest answers");
        page.Find("[data-testid=run-start]").Click();

        var settings = Assert.Single(runs.Started).OpenEnded!;
        Assert.Equal(file, settings.QuestionsJson);
        Assert.Equal("test_dataset_open_ended", settings.QuestionSetName);
        Assert.Equal("chat", settings.PromptFormat);
        Assert.Equal(new JudgeChoice(JudgeKinds.OpenAi, JudgeSettingId: judge.Id), settings.Judge);
    }

    [Fact]
    public async Task OpenEnded_AFileThatIsNotCaaQuestions_IsRefusedWithItsPath()
    {
        var (ctx, _, _, page) = Render(Caa);
        await using var _ = ctx;
        await ChooseKindAsync(page, RunKinds.OpenEnded);

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("""[{"question": "ok"}, {"prompt": "no"}]""", "q.json"));

        page.WaitForAssertion(() => Assert.Contains("q.json: $[1] has no \"question\"", page.Find("[data-testid=run-questions-file-error]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=run-questions-file]"));
    }

    [Fact]
    public async Task SideEffects_SendsTheHeldOutTextBenchmarksAndLimits()
    {
        var (ctx, runs, _, page) = Render();
        await using var _ = ctx;
        await page.InvokeAsync(() => page.FindComponent<VectorPicker>().Instance.SelectedChanged.InvokeAsync([Learned.Id]));
        await ChooseKindAsync(page, RunKinds.SideEffects);

        await page.InvokeAsync(() => Select<Guid>(page, "Benchmarks (accuracy)").Instance.SelectedValuesChanged.InvokeAsync([Mmlu.Id, AbSet.Id]));
        page.Find("input[data-testid=run-window-tokens]").Change("32");
        page.Find("input[data-testid=run-max-windows]").Change("16");
        page.Find("input[data-testid=run-max-benchmark-questions]").Change("25");
        page.Find("[data-testid=run-start]").Click();

        var request = Assert.Single(runs.Started);
        Assert.Equal(RunKinds.SideEffects, request.Kind);
        Assert.Equal([Learned.Id], request.VectorIds);
        Assert.Equal(SweepRequest.DefaultDenseLambdas, request.DenseLambdas);
        Assert.Empty(request.SparseLambdas);
        var settings = request.SideEffects!;
        Assert.Equal(HeldOut.Id, settings.HeldOutDatasetId); // the first dataset of texts, preselected
        Assert.Equal([Mmlu.Id, AbSet.Id], settings.BenchmarkIds);
        Assert.Equal((32, 16, 25), (settings.WindowTokens, settings.MaxWindows, settings.MaxBenchmarkQuestions));
    }

    [Fact]
    public async Task TheServersErrors_AreShownAtTheirFields_AndOthersOnTheirOwn()
    {
        var (ctx, runs, _, page) = Render(Caa);
        await using var _ = ctx;
        runs.StartErrors["AbSweep.TestSetId"] = ["'plain' holds completion pairs, not A/B questions"];
        runs.StartErrors["denseLambdas[1]"] = ["α must be between -100 and 100"];
        runs.StartErrors["model"] = ["steerlab-brown-demo is not loaded"];

        page.Find("[data-testid=run-start]").Click();

        Assert.Contains("not A/B questions", ErrorAt(page, "run-test-set"));
        Assert.Contains("between -100 and 100", ErrorAt(page, "run-dense-grid"));
        Assert.Equal("model: steerlab-brown-demo is not loaded", Assert.Single(page.FindAll("[data-testid=run-form-error]")).TextContent.Trim());
        Assert.Contains("runs/new", ctx.Services.GetRequiredService<NavigationManager>().Uri); // still here
    }

    [Fact]
    public async Task AViewer_IsToldStartingRunsIsForEditors()
    {
        var (ctx, _, _, page) = Render(TeamRoles.Viewer, Caa);
        await using var _ = ctx;

        Assert.NotNull(page.Find("[data-testid=new-run-not-allowed]"));
        Assert.Empty(page.FindAll("[data-testid=run-form]"));
    }

    [Theory]
    [InlineData("openEnded.behaviourDescription", "openEnded.behaviourDescription")]
    [InlineData("OpenEnded.BehaviourDescription", "openEnded.behaviourDescription")]
    [InlineData("$.openEnded.judge.judgeSettingId", "openEnded.judge")]
    [InlineData("judgeSettingId", "openEnded.judge")]
    [InlineData("openEnded.judge.contrast", "openEnded.judge.contrast")]
    [InlineData("maxQuestions", "openEnded.maxQuestions")]
    [InlineData("vectorIds[3]", "vectorIds")]
    [InlineData("engine", "engine")]
    public void ServerErrorKeys_FindTheirFields(string key, string field) =>
        Assert.Equal(field, Assert.Single(Client.Pages.Runs.New.RunFields.FromServer(new Dictionary<string, string[]> { [key] = ["x"] }, RunKinds.OpenEnded)).Key);

    [Fact]
    public void TypedQuestions_AreTheCaaOpenEndedSchema()
    {
        var result = Client.Pages.Runs.New.OpenQuestionsText.FromLines("A \"quoted\" one\r\nB");
        Assert.Equal(2, result.Count);
        var parsed = JsonSerializer.Deserialize<List<Dictionary<string, string>>>(result.Json!)!;
        Assert.Equal(["A \"quoted\" one", "B"], parsed.Select(q => q["question"]));
        Assert.Contains("at least one question", Client.Pages.Runs.New.OpenQuestionsText.FromLines(" \n ").Problem);
        Assert.Contains("must be a JSON array", Client.Pages.Runs.New.OpenQuestionsText.FromJson("""{"question": "x"}""", "f.json").Problem);
        Assert.Contains("$[0].question is not a string", Client.Pages.Runs.New.OpenQuestionsText.FromJson("""[{"question": 3}]""", "f.json").Problem);
    }
}

using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SteerLab.Client.Pages.Vectors;
using SteerLab.Client.Tests.Components;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

/// <summary>The build dialog's form: its own checks, the server's field errors, and following the job to its vector.</summary>
public sealed class BuildVectorFormTests
{
    static readonly DatasetSummary Dataset = FakeDatasetService.Summary("romance-vs-press", 40);

    static BunitContext NewContext(FakeVectorBuildService builds, bool withDataset = true)
    {
        // As VectorTestContext sets it up, with every service added before the renderer reads any.
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton<IDatasetService>(new FakeDatasetService { Stored = withDataset ? (Dataset, []) : null });
        ctx.Services.AddSingleton<IVectorBuildService>(builds);
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    [Fact]
    public async Task WithoutADataset_BuildShowsTheProblem_AndStartsNothing()
    {
        var builds = new FakeVectorBuildService();
        await using var ctx = NewContext(builds, withDataset: false);
        var form = ctx.Render<BuildVectorForm>();

        Assert.Contains("There are no datasets yet", form.Find("[data-testid=build-load-error]").TextContent);
        form.Find("[data-testid=build-submit]").Click();

        form.WaitForAssertion(() => Assert.Contains("Choose a dataset.", form.Markup));
        Assert.Empty(builds.Started);
    }

    [Fact]
    public async Task EmptyModel_IsShownAtTheModelField_AndStartsNothing()
    {
        var builds = new FakeVectorBuildService();
        await using var ctx = NewContext(builds);
        var form = ctx.Render<BuildVectorForm>();

        form.Find("input[data-testid=build-model]").Change("");
        form.Find("[data-testid=build-submit]").Click();

        form.WaitForAssertion(() => Assert.Contains("Name the model folder (relative to a model root).", form.Markup));
        Assert.Empty(builds.Started);
    }

    [Fact]
    public async Task ServerRefusal_ShowsFieldErrorsAtTheirFields_AndOthersAsAlerts()
    {
        var builds = new FakeVectorBuildService
        {
            Refusal = new Dictionary<string, string[]>
            {
                ["model"] = ["model nope was not found under any model root"],
                ["parameters"] = ["something else is wrong"],
            },
        };
        await using var ctx = NewContext(builds);
        var form = ctx.Render<BuildVectorForm>();

        form.Find("[data-testid=build-submit]").Click();

        form.WaitForAssertion(() => Assert.Contains("model nope was not found under any model root", form.Markup));
        // The model's problem is shown at its field; only the one without a field is an alert.
        Assert.Equal("parameters: something else is wrong", Assert.Single(form.FindAll("[data-testid=build-error]")).TextContent.Trim());
        Assert.Empty(form.FindAll("[data-testid=build-job]"));
        var sent = Assert.Single(builds.Started);
        Assert.Equal((Dataset.Id, "steerlab-brown-demo", "caa", "blocks.1.hook_resid_post", "completion-mean", (string?)null),
            (sent.DatasetId, sent.Model, sent.Method, sent.Hook, sent.ReadPosition, sent.Sae));
    }

    [Fact]
    public async Task AcceptedBuild_ShowsProgress_ThenLinksTheNewVector()
    {
        var vectorId = Guid.NewGuid();
        var builds = new FakeVectorBuildService { VectorId = vectorId };
        builds.States.Enqueue((JobState.Running, 0.5, "activations 20/40"));
        builds.States.Enqueue((JobState.Succeeded, 1.0, "built"));
        await using var ctx = NewContext(builds);
        Guid? raised = null;
        var form = ctx.Render<BuildVectorForm>(p => p
            .Add(f => f.PollInterval, TimeSpan.FromMilliseconds(10))
            .Add(f => f.OnBuilt, id => raised = id));

        form.Find("[data-testid=build-submit]").Click();

        form.WaitForAssertion(() => Assert.Equal(VectorUrls.Detail(vectorId), form.Find("[data-testid=built-vector-link]").GetAttribute("href")), TimeSpan.FromSeconds(10));
        Assert.Equal(vectorId, raised);
        Assert.Contains("Succeeded", form.Find("[data-testid=build-status]").TextContent);
        Assert.Empty(form.FindAll("[data-testid=build-cancel]"));
    }

    [Fact]
    public async Task FailedBuild_ShowsTheJobsError()
    {
        var builds = new FakeVectorBuildService();
        builds.States.Enqueue((JobState.Failed, 0.2, "failed"));
        builds.FailureError = "the built vector is all zeros: lower τ";
        await using var ctx = NewContext(builds);
        var form = ctx.Render<BuildVectorForm>(p => p.Add(f => f.PollInterval, TimeSpan.FromMilliseconds(10)));

        form.Find("[data-testid=build-submit]").Click();

        form.WaitForAssertion(() => Assert.Contains("the built vector is all zeros: lower τ", form.Find("[data-testid=build-failed]").TextContent));
    }

    [Fact]
    public async Task CancelWhileRunning_AsksTheServerToStopTheJob()
    {
        var builds = new FakeVectorBuildService();
        for (int i = 0; i < 10_000; i++) builds.States.Enqueue((JobState.Running, 0.1, "activations 4/40"));
        await using var ctx = NewContext(builds);
        var form = ctx.Render<BuildVectorForm>(p => p.Add(f => f.PollInterval, TimeSpan.FromMilliseconds(20)));

        form.Find("[data-testid=build-submit]").Click();
        form.WaitForElement("[data-testid=build-cancel]").Click();

        form.WaitForAssertion(() => Assert.Single(builds.Cancelled));
    }

    [Fact]
    public void Settings_SasNeedsAnSaeAndATauInRange_ButCaaIgnoresThem()
    {
        var settings = new VectorBuildSettings { DatasetId = Guid.NewGuid(), Method = VectorMethods.Sas, Sae = " ", Tau = 0 };
        Assert.Equal(["sae", "tau"], settings.Validate().Keys.Order());

        settings.Method = VectorMethods.Caa;
        Assert.Empty(settings.Validate());
        Assert.Null(settings.ToRequest().Sae);
    }

    [Fact]
    public void Settings_TopKEnrNeedsAPositiveK_AndTheHookIsNamedFromLayerAndKind()
    {
        var settings = new VectorBuildSettings { DatasetId = Guid.NewGuid(), Method = VectorMethods.TopKEnr, K = 0, Layer = 3, HookKind = "hook_mlp_out" };
        Assert.Equal(["k"], settings.Validate().Keys);

        settings.K = 16;
        var request = settings.ToRequest();
        Assert.Equal(("blocks.3.hook_mlp_out", 16, VectorMethods.TopKEnr), (request.Hook, request.K, request.Method));
    }

    [Fact]
    public void Settings_ReadAnAbDatasetAtTheAnswerToken()
    {
        var settings = new VectorBuildSettings();
        settings.UseDataset(Dataset with { Kind = DatasetPairKind.AnswerChoice });
        Assert.Equal("answer", settings.ReadPosition);
        settings.UseDataset(Dataset);
        Assert.Equal("completion-mean", settings.ReadPosition);
    }

    /// <summary>Answers StartAsync with a refusal or a queued job, then each GetJobAsync with the next queued state.</summary>
    sealed class FakeVectorBuildService : IVectorBuildService
    {
        readonly Guid jobId = Guid.NewGuid();
        public Dictionary<string, string[]>? Refusal { get; init; }
        public Guid VectorId { get; init; } = Guid.NewGuid();
        public string? FailureError { get; set; }
        public Queue<(JobState State, double Progress, string Message)> States { get; } = new();
        public List<VectorBuildRequest> Started { get; } = [];
        public List<Guid> Cancelled { get; } = [];

        public Task<VectorBuildStart> StartAsync(VectorBuildRequest request, CancellationToken cancellationToken = default)
        {
            Started.Add(request);
            return Task.FromResult(Refusal is { } errors
                ? new VectorBuildStart(null, errors)
                : new VectorBuildStart(Job(JobState.Queued, 0, "queued"), new Dictionary<string, string[]>()));
        }

        public Task<JobView?> GetJobAsync(Guid id, CancellationToken cancellationToken = default)
        {
            var (state, progress, message) = Cancelled.Count > 0 ? (JobState.Cancelled, 0.1, "cancelled")
                : States.Count > 1 ? States.Dequeue() : States.Peek();
            return Task.FromResult<JobView?>(Job(state, progress, message));
        }

        public Task<bool> CancelAsync(Guid id, CancellationToken cancellationToken = default)
        {
            Cancelled.Add(id);
            return Task.FromResult(true);
        }

        public Guid? BuiltVectorId(JobView job) => job.State == JobState.Succeeded ? VectorId : null;

        JobView Job(JobState state, double progress, string message) => new(
            jobId, "build-vector", "steerlab-brown-demo", state, progress, message, state == JobState.Failed ? FailureError : null, 1, "in-process",
            Cancelled.Count > 0, DateTime.UtcNow, null, null, JsonDocument.Parse("{}").RootElement, null);
    }
}

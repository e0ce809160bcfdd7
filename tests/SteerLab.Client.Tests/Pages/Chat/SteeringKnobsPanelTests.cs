using MudBlazor.Extensions;
using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SteerLab.Client.Pages.Chat;
using SteerLab.Client.Tests.Pages.Vectors;
using SteerLab.Shared.Chat;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Chat;

public sealed class SteeringKnobsPanelTests
{
    const string Model = "steerlab-brown-demo";

    static readonly VectorSummary Romance = Vector("romance-vs-press CAA", "caa", Model);
    static readonly VectorSummary Learned = Vector("learned-vs-fiction SAS", "sas", Model);
    static readonly VectorSummary OtherModel = Vector("gemma honesty", "caa", "google/gemma-2-2b");

    static VectorSummary Vector(string name, string method, string model) =>
        new(Guid.NewGuid(), name, method, "blocks.1.hook_resid_post", model, method == "sas", 1.5, 10, null, null, DateTime.UtcNow);

    readonly FakeVectorService library = new() { Vectors = { Romance, Learned, OtherModel } };

    IRenderedComponent<SteeringKnobsPanel> Render(BunitContext ctx, SteeringKnobs knobs, Action? changed = null) =>
        ctx.Render<SteeringKnobsPanel>(p => p
            .Add(c => c.Knobs, knobs)
            .Add(c => c.Model, Model)
            .Add(c => c.Changed, EventCallback.Factory.Create(this, () => changed?.Invoke())));

    static Task PickAsync(IRenderedComponent<SteeringKnobsPanel> panel, Guid vectorId)
    {
        var select = panel.FindComponent<MudSelect<Guid?>>();
        return panel.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(vectorId));
    }

    [Fact]
    public async Task OffersOnlyTheChatModelsVectors()
    {
        await using var ctx = VectorTestContext.New(library);
        var panel = Render(ctx, new SteeringKnobs());

        Assert.Equal(Model, Assert.Single(library.Queries).Model);
        Assert.Empty(panel.FindAll("[data-testid=knob]"));
    }

    [Fact]
    public async Task AddingVectors_ShowsAKnobEachAtTheDefaultLambdaAndIgnoresDuplicates()
    {
        await using var ctx = VectorTestContext.New(library);
        var knobs = new SteeringKnobs();
        int changes = 0;
        var panel = Render(ctx, knobs, () => changes++);

        await PickAsync(panel, Romance.Id);
        await PickAsync(panel, Learned.Id);
        await PickAsync(panel, Romance.Id);

        Assert.Equal(["romance-vs-press CAA", "learned-vs-fiction SAS"], panel.FindAll("[data-testid=knob-name]").Select(e => e.TextContent));
        Assert.All(knobs.Knobs, k => Assert.Equal(SteeringKnobs.DefaultLambda, k.Lambda));
        Assert.Equal(2, changes);
        Assert.Null(panel.FindComponent<MudSelect<Guid?>>().Instance.GetState(x => x.Value)); // the select picks, it does not hold
    }

    [Fact]
    public async Task RemovingAKnob_TakesItsVectorOff()
    {
        await using var ctx = VectorTestContext.New(library);
        var knobs = new SteeringKnobs();
        var panel = Render(ctx, knobs);
        await PickAsync(panel, Romance.Id);
        await PickAsync(panel, Learned.Id);

        await panel.Find($"[data-vector-id='{Romance.Id}'] button[aria-label='Remove romance-vs-press CAA']").ClickAsync(new());

        Assert.Equal([Learned.Id], knobs.Knobs.Select(k => k.Vector.Id));
        Assert.Single(panel.FindAll("[data-testid=knob]"));
    }

    [Theory]
    [InlineData("-2.5", -2.5)]
    [InlineData("12", 8)]
    [InlineData("-30", -8)]
    public async Task TypedLambda_IsKeptWithinBounds(string typed, double expected)
    {
        await using var ctx = VectorTestContext.New(library);
        var knobs = new SteeringKnobs();
        var panel = Render(ctx, knobs);
        await PickAsync(panel, Romance.Id);

        await panel.Find("input[data-testid=knob-lambda]").ChangeAsync(new ChangeEventArgs { Value = typed });

        Assert.Equal(expected, knobs.Knobs.Single().Lambda);
        var slider = panel.FindComponent<MudSlider<double>>().Instance;
        Assert.Equal(expected, slider.GetState(x => x.Value));
        Assert.Equal((SteeringKnobs.MinLambda, SteeringKnobs.MaxLambda), (slider.Min, slider.Max));
    }

    [Fact]
    public void SetLambda_ClampsAndIgnoresNaN()
    {
        var knobs = new SteeringKnobs();
        knobs.Add(Romance, lambda: 100);
        Assert.Equal(SteeringKnobs.MaxLambda, knobs.Knobs[0].Lambda);
        knobs.SetLambda(Romance.Id, double.NaN);
        Assert.Equal(SteeringKnobs.MaxLambda, knobs.Knobs[0].Lambda);
        knobs.SetLambda(Romance.Id, double.NegativeInfinity);
        Assert.Equal(SteeringKnobs.MinLambda, knobs.Knobs[0].Lambda);
    }

    [Fact]
    public async Task TogglesAndKnobs_BuildTheSteeringRequest()
    {
        await using var ctx = VectorTestContext.New(library);
        var knobs = new SteeringKnobs();
        var panel = Render(ctx, knobs);
        await PickAsync(panel, Romance.Id);
        await PickAsync(panel, Learned.Id);
        knobs.SetLambda(Learned.Id, -3);

        await panel.Find("input[data-testid=delta-correction]").ChangeAsync(new ChangeEventArgs { Value = false });
        var positions = panel.FindComponent<MudRadioGroup<bool>>();
        await panel.InvokeAsync(() => positions.Instance.ValueChanged.InvokeAsync(true));

        var messages = new[] { new ChatTurn("user", "Hello") };
        var sampling = new ChatSampling(MaxNewTokens: 32, Temperature: 0.5, TopP: 0.9, Seed: 42);
        var steered = knobs.BuildRequest(Model, messages, sampling);
        Assert.Equal([new ChatSteering(Romance.Id, 4), new ChatSteering(Learned.Id, -3)], steered.Steering);
        Assert.False(steered.DeltaCorrection);
        Assert.True(steered.SteerAllPositions);
        Assert.Equal(sampling, steered.Sampling);
        Assert.Equal(Model, steered.Model);

        var unsteered = knobs.BuildRequest(Model, messages, sampling, steered: false);
        Assert.Empty(unsteered.Steering);
        Assert.Equal(sampling.Seed, unsteered.Sampling.Seed); // compare mode: the same seed on both sides
    }

    [Fact]
    public async Task ALibraryError_IsShownAsAnAlert()
    {
        library.ListFailure = new InvalidOperationException("the database is locked");
        await using var ctx = VectorTestContext.New(library);

        var panel = Render(ctx, new SteeringKnobs());

        Assert.Contains("the database is locked", panel.Find("[data-testid=knobs-error]").TextContent);
    }
}

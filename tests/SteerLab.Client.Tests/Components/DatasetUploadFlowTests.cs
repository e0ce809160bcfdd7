using System.Text;
using SteerLab.Client.Components;
using SteerLab.Shared.Datasets;

namespace SteerLab.Client.Tests.Components;

/// <summary>The upload steps without a page: choose → checked (nothing saved) → save.</summary>
public sealed class DatasetUploadFlowTests
{
    const string Csv = "prompt,positive,negative\nP,good,bad\n";

    static Func<long, CancellationToken, Stream> Opens(string text) => (max, _) =>
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.True(bytes.Length <= max, "the flow asked for fewer bytes than the file has");
        return new MemoryStream(bytes);
    };

    [Fact]
    public async Task ChosenFile_IsCheckedNotSaved_ThenSavedWithTheGivenNameAndDescription()
    {
        var service = new FakeDatasetService();
        var flow = new DatasetUploadFlow(service);
        var stages = new List<DatasetUploadStage>();
        flow.Changed += () => stages.Add(flow.Stage);

        await flow.ChooseAsync("pets.csv", Csv.Length, Opens(Csv));

        Assert.Equal(DatasetUploadStage.Checked, flow.Stage);
        Assert.Equal([(Csv, "pets.csv")], service.Validated);
        Assert.Empty(service.Saved);
        Assert.Equal("pets", flow.Name); // the file name, until the user types another
        Assert.True(flow.CanSave);

        flow.Name = "Pets";
        flow.Description = "cats and dogs";
        await flow.SaveAsync();

        Assert.Equal([(Csv, "pets.csv", "Pets", "cats and dogs")], service.Saved);
        Assert.Equal(DatasetUploadStage.Saved, flow.Stage);
        Assert.Equal((DatasetSaveOutcome.Created, "Pets"), (flow.Saved!.Outcome, flow.Saved.Dataset!.Name));
        Assert.Equal(
            [DatasetUploadStage.NoFile, DatasetUploadStage.Reading, DatasetUploadStage.Checking, DatasetUploadStage.Checked, DatasetUploadStage.Saving, DatasetUploadStage.Saved],
            stages);
        Assert.False(flow.CanSave);
    }

    [Fact]
    public async Task FileOverTheLimit_IsRefusedBeforeItIsRead()
    {
        var service = new FakeDatasetService { Limits = new DatasetUploadLimits(1024, 100) };
        var flow = new DatasetUploadFlow(service);

        await flow.ChooseAsync("huge.json", 3 * 1024 * 1024, (_, _) => throw new InvalidOperationException("must not be opened"));

        Assert.Equal(DatasetUploadStage.NoFile, flow.Stage);
        Assert.Equal("huge.json has 3 MB; the largest dataset accepted is 1 KB.", flow.Error);
        Assert.Empty(service.Validated);
    }

    [Fact]
    public async Task InvalidFile_CannotBeSaved()
    {
        var service = new FakeDatasetService
        {
            Validate = (_, fileName) => FakeDatasetService.InvalidReport(fileName, 1, new DatasetProblem(2, 1, "negative", "the completion is empty")),
        };
        var flow = new DatasetUploadFlow(service);

        await flow.ChooseAsync("bad.csv", Csv.Length, Opens(Csv));
        await flow.SaveAsync();

        Assert.Equal(DatasetUploadStage.Checked, flow.Stage);
        Assert.False(flow.CanSave);
        Assert.False(flow.Report!.IsValid);
        Assert.Empty(service.Saved);
    }

    [Fact]
    public async Task PairsSavedAlready_OrANameMissing_CannotBeSaved()
    {
        var existing = FakeDatasetService.Summary("earlier", 3);
        var flow = new DatasetUploadFlow(new FakeDatasetService { Validate = (_, fileName) => FakeDatasetService.ValidReport(fileName, existing) });
        await flow.ChooseAsync("copy.csv", Csv.Length, Opens(Csv));
        Assert.False(flow.CanSave);

        var unnamed = new DatasetUploadFlow(new FakeDatasetService());
        await unnamed.ChooseAsync("pets.csv", Csv.Length, Opens(Csv));
        unnamed.Name = "  ";
        Assert.Equal("a name is required", unnamed.NameProblem);
        Assert.False(unnamed.CanSave);
        unnamed.Name = new string('n', DatasetTexts.MaxNameLength + 1);
        Assert.False(unnamed.CanSave);
    }

    [Fact]
    public async Task ServiceFailure_IsShownAsAnError_NotThrown()
    {
        var flow = new DatasetUploadFlow(new FakeDatasetService { ValidateThrows = new IOException("database is locked") });

        await flow.ChooseAsync("pets.csv", Csv.Length, Opens(Csv));

        Assert.Equal(DatasetUploadStage.NoFile, flow.Stage);
        Assert.Equal("Could not check pets.csv: database is locked", flow.Error);
        Assert.Null(flow.Report);
    }

    [Fact]
    public async Task CancelledCheck_LeavesNothingChosen()
    {
        var service = new FakeDatasetService { Gate = new TaskCompletionSource() };
        var flow = new DatasetUploadFlow(service);

        var choosing = flow.ChooseAsync("pets.csv", Csv.Length, Opens(Csv));
        Assert.Equal(DatasetUploadStage.Checking, flow.Stage);
        Assert.True(flow.IsBusy);
        flow.Cancel();
        await choosing;

        Assert.Equal(DatasetUploadStage.NoFile, flow.Stage);
        Assert.Null(flow.Error);
        Assert.Null(flow.Report);
        Assert.False(flow.IsBusy);
    }

    [Fact]
    public async Task ARaceLostToAnIdenticalUpload_EndsShowingTheExistingDataset()
    {
        var other = FakeDatasetService.Summary("saved meanwhile", 3);
        var service = new FakeDatasetService { Save = (report, _, _) => new(DatasetSaveOutcome.AlreadyExists, other, report with { Existing = other }) };
        var flow = new DatasetUploadFlow(service);

        await flow.ChooseAsync("pets.csv", Csv.Length, Opens(Csv));
        await flow.SaveAsync();

        Assert.Equal(DatasetUploadStage.Saved, flow.Stage);
        Assert.Equal((DatasetSaveOutcome.AlreadyExists, other), (flow.Saved!.Outcome, flow.Saved.Dataset));
    }
}

using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using SteerLab.Client.Components;
using SteerLab.Shared.Datasets;

namespace SteerLab.Client.Tests.Components;

/// <summary>The upload area as a user meets it: a file goes in through the file input, the report and the first pairs
/// come out before anything is saved, then Save.</summary>
public sealed class DatasetUploadTests
{
    const string Csv = "prompt,positive,negative\nTell me about cats.,Cats are lovely.,Cats are awful.\n";

    [Fact]
    public async Task ChosenFile_ShowsProgressThenReportAndPreview_AndSaveSendsTheNameAndDescription()
    {
        var service = new FakeDatasetService { Gate = new TaskCompletionSource() };
        await using var ctx = DatasetValidationReportTests.NewContext(service);
        DatasetSummary? saved = null;
        var upload = ctx.Render<DatasetUpload>(p => p.Add(c => c.OnSaved, (DatasetSummary s) => saved = s));

        // Choosing a file returns when the whole check is done, so it runs beside the test while the check is held.
        var input = upload.FindComponent<InputFile>();
        var choosing = Task.Run(() => input.UploadFiles(InputFileContent.CreateFromText(Csv, "pets.csv")));

        upload.WaitForAssertion(() => Assert.Contains("Checking pets.csv", upload.Find("[data-testid=upload-progress]").TextContent));
        Assert.Empty(upload.FindAll("[data-testid=dataset-validation-report]"));
        service.Gate.SetResult();
        await choosing;
        upload.WaitForAssertion(() => Assert.NotNull(upload.Find("[data-testid=report-valid]")));
        Assert.Empty(upload.FindAll("[data-testid=upload-progress]"));
        Assert.Equal(["Tell me about cats.", "Dogs?", ""], upload.FindAll("[data-testid=dataset-pairs] tbody tr td:nth-child(2)").Select(td => td.TextContent));
        Assert.Empty(service.Saved); // checked, not saved

        upload.Find("[data-testid=upload-name] input, input[data-testid=upload-name]").Input("Pets");
        upload.Find("[data-testid=upload-description] textarea, textarea[data-testid=upload-description]").Input("cats and dogs");
        upload.Find("[data-testid=upload-save]").Click();

        upload.WaitForAssertion(() => Assert.Contains("Saved", upload.Find("[data-testid=upload-saved]").TextContent));
        Assert.Equal([(Csv, "pets.csv", "Pets", "cats and dogs")], service.Saved);
        Assert.Equal("Pets", saved?.Name);
    }

    [Fact]
    public async Task InvalidFile_ShowsTheProblemsAndNoSaveButton()
    {
        var service = new FakeDatasetService
        {
            Validate = (_, fileName) => FakeDatasetService.InvalidReport(fileName, 1, new DatasetProblem(2, 1, "negative", "the completion is empty")),
        };
        await using var ctx = DatasetValidationReportTests.NewContext(service);
        var upload = ctx.Render<DatasetUpload>();

        upload.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Csv, "pets.csv"));

        upload.WaitForAssertion(() => Assert.Contains("the completion is empty", upload.Find("[data-testid=report-problems]").TextContent));
        Assert.Empty(upload.FindAll("[data-testid=upload-save]"));
        Assert.Empty(upload.FindAll("[data-testid=dataset-pairs]"));
    }

    [Fact]
    public async Task FailureToCheck_IsShownAsAnAlert()
    {
        var service = new FakeDatasetService { ValidateThrows = new InvalidOperationException("the server is shutting down") };
        await using var ctx = DatasetValidationReportTests.NewContext(service);
        var upload = ctx.Render<DatasetUpload>();

        upload.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Csv, "pets.csv"));

        upload.WaitForAssertion(() => Assert.Contains("the server is shutting down", upload.Find("[data-testid=upload-error][role=alert]").TextContent));
    }
}

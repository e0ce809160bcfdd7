using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using SteerLab.Client.Pages.Vectors;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

public sealed class VectorImportFormTests
{
    [Fact]
    public async Task RefusedDocument_ShowsEveryProblemWithItsJsonPath_AndRaisesNothing()
    {
        var library = new FakeVectorService
        {
            ImportResult = _ => VectorImportResult.Refused(VectorImportOutcome.Invalid,
            [
                new("$.method", "unknown method 'magic' (caa, topk_enr, sas, sae_ts)"),
                new("$.values[3]", "1e39 is not a finite 32-bit number"),
                new("$.values.indices[2]", "300 is outside [0, 256)"),
            ]),
        };
        await using var ctx = VectorTestContext.New(library);
        VectorImportResult? raised = null;
        var form = ctx.Render<VectorImportForm>(p => p.Add(f => f.OnImported, r => raised = r));

        form.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("{\"method\": \"magic\"}", "bad.json"));
        form.Find("[data-testid=import-submit]").Click();

        form.WaitForAssertion(() => Assert.Equal(3, form.FindAll("[data-testid=import-problem]").Count));
        var rows = form.FindAll("[data-testid=import-problem]").Select(r => (r.QuerySelector("code")!.TextContent, r.QuerySelectorAll("td")[1].TextContent)).ToList();
        Assert.Equal(
            [("$.method", "unknown method 'magic' (caa, topk_enr, sas, sae_ts)"), ("$.values[3]", "1e39 is not a finite 32-bit number"), ("$.values.indices[2]", "300 is outside [0, 256)")],
            rows);
        Assert.Contains("the document has 3 problems", form.Find("[data-testid=import-problems]").TextContent);
        Assert.Null(raised);
        Assert.Equal(("{\"method\": \"magic\"}", "bad.json"), (Encoding.UTF8.GetString(library.Imports.Single().Bytes), library.Imports.Single().Source));
    }

    [Fact]
    public async Task ProblemsBeyondTheListedOnes_AreCounted()
    {
        var problems = Enumerable.Range(0, 1500).Select(i => new VectorImportProblem($"$.values[{i}]", "must be a number, found null")).ToList();
        await using var ctx = VectorTestContext.New(new FakeVectorService());

        var view = ctx.Render<VectorImportProblems>(p => p.Add(v => v.Result, VectorImportResult.Refused(VectorImportOutcome.Invalid, problems)));

        Assert.Equal(VectorImportResult.MaxReportedProblems, view.FindAll("[data-testid=import-problem]").Count);
        Assert.Contains("1500 problems", view.Find("[data-testid=import-problems]").TextContent);
        Assert.Contains("500 more problems", view.Find("[data-testid=unlisted-problems]").TextContent);
    }

    [Fact]
    public async Task Conflict_SaysAnotherVectorHasTheId()
    {
        await using var ctx = VectorTestContext.New(new FakeVectorService());

        var view = ctx.Render<VectorImportProblems>(p => p.Add(v => v.Result, VectorImportResult.Refused(VectorImportOutcome.Conflict,
            [new("$.id", "a different vector with this id is already in the library (\"first\")")])));

        Assert.Contains("a different vector with this id is already in the library", view.Find("[data-testid=import-problems]").TextContent);
        Assert.Equal("$.id", view.Find("[data-testid=import-problem] code").TextContent);
    }

    [Fact]
    public async Task SuccessfulImport_RaisesOnImportedWithTheResult()
    {
        var summary = FakeVectorService.Summary("romance SAS", VectorMethods.Sas);
        var library = new FakeVectorService { ImportResult = _ => new VectorImportResult(VectorImportOutcome.Imported, summary, [], 0) };
        await using var ctx = VectorTestContext.New(library);
        VectorImportResult? raised = null;
        var form = ctx.Render<VectorImportForm>(p => p.Add(f => f.OnImported, r => raised = r));

        form.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("{}", "good.json"));
        Assert.Contains("good.json", form.Find("[data-testid=chosen-file]").TextContent);
        form.Find("[data-testid=import-submit]").Click();

        form.WaitForAssertion(() => Assert.Equal(summary, raised?.Vector));
        Assert.Empty(form.FindAll("[data-testid=import-problems]"));
    }

    [Fact]
    public async Task AFileOverTheLimit_IsRefusedWithoutBeingRead()
    {
        var library = new FakeVectorService { MaxImportBytes = 10 };
        await using var ctx = VectorTestContext.New(library);
        var form = ctx.Render<VectorImportForm>();

        form.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(new string('x', 100), "huge.json"));

        Assert.Contains("huge.json is 100 bytes; the import limit is 10 bytes", form.Find("[data-testid=import-error]").TextContent);
        Assert.True(form.Find("[data-testid=import-submit]").HasAttribute("disabled"));
        Assert.Empty(library.Imports);
    }
}

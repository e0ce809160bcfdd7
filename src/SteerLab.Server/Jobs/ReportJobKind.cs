using System.Text.Json;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Report;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Worker;
using SteerLab.Server.Datasets;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Jobs;

/// <summary>"report": the engine's evaluation report on the built-in demo, or on a model with the SAE(s) and datasets the
/// caller chose (<see cref="ReportJobParameters"/>).
/// Idempotent: it only computes (its sampling is seeded), and its result is only its JSON.</summary>
public sealed class ReportJobKind(IOptions<SteerLabOptions> options, ModelRoots modelRoots) : IJobKind
{
    /// <summary>More names than sections would be a mistake (each section is named at most by a few aliases).</summary>
    const int MaxSectionNames = 32;
    const int MaxDatasetName = 100;

    public string Name => EngineJobKinds.Report;
    public bool IsIdempotent => true;

    public JobKindValidation Validate(JsonElement parameters)
    {
        var (p, refusal) = JobParameters.Parse<ReportJobParameters>(parameters);
        if (p is null) return refusal!;
        var check = new EvaluationJobChecks(options.Value.Engine.Mode == EngineOptions.InProcess, modelRoots);

        bool inProcess = options.Value.Engine.Mode == EngineOptions.InProcess;
        if (p.UsesDemoInputs && ModelRoots.CheckName(p.Model) is null && p.Model != DemoAssets.ModelName)
            check.Add("model", $"without SAEs and datasets a report runs on the built-in demo model '{DemoAssets.ModelName}'; choose the SAE(s) and datasets for '{p.Model}'");
        else check.Model("model", p.Model);
        if (!p.UsesDemoInputs)
        {
            if (p.Saes is not { Length: > 0 and <= ReportJobParameters.MaxSaes }) check.Add("saes", $"choose 1 to {ReportJobParameters.MaxSaes} SAEs of the model, at one hook");
            else
                for (int i = 0; i < p.Saes.Length; i++)
                {
                    if (ModelRoots.CheckName(p.Saes[i]) is { } problem) check.Add($"saes[{i}]", problem.Replace("model", "SAE"));
                    else if (inProcess) { try { modelRoots.ResolveSae(p.Saes[i]); } catch (ModelPathException e) { check.Add($"saes[{i}]", e.Message); } }
                }
            Datasets(check, p.Datasets);
        }
        if (p.Sections is { } sections)
        {
            if (sections.Length > MaxSectionNames) check.Add("sections", $"at most {MaxSectionNames} section names");
            else
                for (int i = 0; i < sections.Length; i++)
                    if (!ReportDefaults.TryParseSection(sections[i], out _))
                        check.Add($"sections[{i}]", $"'{sections[i]}' is not a report section (use one of {string.Join(", ", Enum.GetNames<ReportSectionId>())})");
        }

        return check.Result(p, p.Model);
    }

    /// <summary>1 to <see cref="ReportJobParameters.MaxDatasets"/> datasets with distinct names, each read as the report will
    /// read it, so a malformed one is refused now rather than failing the job later.</summary>
    static void Datasets(EvaluationJobChecks check, ReportDatasetParameters[]? datasets)
    {
        if (datasets is not { Length: > 0 and <= ReportJobParameters.MaxDatasets }) { check.Add("datasets", $"choose 1 to {ReportJobParameters.MaxDatasets} contrastive datasets"); return; }
        for (int i = 0; i < datasets.Length; i++)
        {
            if (datasets[i] is not { } dataset || string.IsNullOrWhiteSpace(dataset.Name) || dataset.Name.Length > MaxDatasetName)
            { check.Add($"datasets[{i}]", $"give the dataset a name of 1 to {MaxDatasetName} characters"); continue; }
            try { DatasetPairsJson.Read(dataset.PairsJson ?? "", dataset.Name); }
            catch (DatasetFormatException e) { check.Add($"datasets[{i}]", e.Message); }
        }
        if (datasets.Where(d => d is not null).Select(d => ReportDatasetFiles.FileName(d.Name)).Distinct().Count() != datasets.Count(d => d is not null))
            check.Add("datasets", "two datasets have the same name; the report names its contrasts after them");
    }
}

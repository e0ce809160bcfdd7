using System.Text.Json;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Evaluation.Report;
using SteerLab.Engine.Worker;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Jobs;

/// <summary>"report": the engine's evaluation report on the built-in demo (<see cref="ReportJobParameters"/>).
/// Idempotent: it only computes (its sampling is seeded), and its result is only its JSON.</summary>
public sealed class ReportJobKind(IOptions<SteerLabOptions> options, ModelRoots modelRoots) : IJobKind
{
    /// <summary>More names than sections would be a mistake (each section is named at most by a few aliases).</summary>
    const int MaxSectionNames = 32;

    public string Name => EngineJobKinds.Report;
    public bool IsIdempotent => true;

    public JobKindValidation Validate(JsonElement parameters)
    {
        var (p, refusal) = JobParameters.Parse<ReportJobParameters>(parameters);
        if (p is null) return refusal!;
        var check = new EvaluationJobChecks(options.Value.Engine.Mode == EngineOptions.InProcess, modelRoots);

        if (ModelRoots.CheckName(p.Model) is null && p.Model != DemoAssets.ModelName)
            check.Add("model", $"reports run on the built-in demo model '{DemoAssets.ModelName}' only");
        else check.Model("model", p.Model);
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
}

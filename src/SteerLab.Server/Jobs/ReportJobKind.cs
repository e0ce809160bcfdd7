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
        if (parameters.ValueKind != JsonValueKind.Object) return Refuse("parameters", "the parameters must be a JSON object");
        ReportJobParameters? p;
        try { p = parameters.Deserialize<ReportJobParameters>(EngineJobJson.Options); }
        catch (JsonException e) { return Refuse("parameters", e.Message); }
        if (p is null) return Refuse("parameters", "the parameters must be a JSON object");

        var errors = new Dictionary<string, string[]>();
        void Add(string name, string problem) => errors[name] = [.. errors.GetValueOrDefault(name) ?? [], problem];

        if (ModelRoots.CheckName(p.Model) is { } modelProblem) Add("model", modelProblem);
        else if (p.Model != DemoAssets.ModelName) Add("model", $"reports run on the built-in demo model '{DemoAssets.ModelName}' only");
        else if (options.Value.Engine.Mode == EngineOptions.InProcess && !modelRoots.TryResolve(p.Model, out _, out var problem)) Add("model", problem!);
        if (p.Sections is { } sections)
        {
            if (sections.Length > MaxSectionNames) Add("sections", $"at most {MaxSectionNames} section names");
            else
                for (int i = 0; i < sections.Length; i++)
                    if (!ReportDefaults.TryParseSection(sections[i], out _))
                        Add($"sections[{i}]", $"'{sections[i]}' is not a report section (use one of {string.Join(", ", Enum.GetNames<ReportSectionId>())})");
        }

        return errors.Count > 0
            ? JobKindValidation.Invalid(errors)
            : JobKindValidation.Valid(JsonSerializer.Serialize(p, EngineJobJson.Options), p.Model);
    }

    static JobKindValidation Refuse(string name, string problem) => JobKindValidation.Invalid(new Dictionary<string, string[]> { [name] = [problem] });
}

using Microsoft.EntityFrameworkCore;
using SteerLab.Engine.Evaluation.Judges;
using SteerLab.Server.Accounts;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Judges;

/// <summary>The caller's team's OpenAI-compatible judges (DESIGN §6, Judges) over <see cref="JudgeSetting"/> rows:
/// any member lists them; editors create, change, delete and test them; another team's judge does not exist. The API
/// key is stored only as Data Protection cipher text and never leaves the server (views say whether one is set).</summary>
public sealed class JudgeSettingsService(
    IDbContextFactory<SteerLabDbContext> contexts,
    TeamScope scope,
    JudgeApiKeys keys,
    OpenAiJudgeFactory judges,
    TimeProvider time) : IJudgeSettingsService
{
    /// <summary>The error field of a save naming a judge the team does not have (the REST API answers 404).</summary>
    public const string NotFoundField = "id";

    /// <summary>What <see cref="TestAsync"/> asks every judge: an answer any judge should find coherent.</summary>
    public static readonly JudgeRequest SampleRequest = new(RubricItem.Coherence, "What is the capital of France?",
        "The capital of France is Paris, which lies on the Seine in the north of the country.", "");

    public async Task<IReadOnlyList<JudgeSettingView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.JudgeSettings.AsNoTracking().Where(j => j.TeamId == team).ToListAsync(cancellationToken);
        return rows.OrderBy(j => j.Name, StringComparer.OrdinalIgnoreCase).ThenBy(j => j.Id).Select(View).ToList();
    }

    public async Task<JudgeSettingSave> SaveAsync(JudgeSettingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var team = (await scope.RequireAsync(TeamRoles.Editor, cancellationToken)).TeamId;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        JudgeSetting? row = null;
        if (request.Id is { } id && (row = await db.JudgeSettings.SingleOrDefaultAsync(j => j.Id == id && j.TeamId == team, cancellationToken)) is null)
            return Refused(NotFoundField, $"there is no judge {id}");

        var (cleaned, errors) = JudgeSettingValidation.Check(request);
        if (errors.Count == 0 && await db.JudgeSettings.AnyAsync(j => j.TeamId == team && j.Name == cleaned.Name && j.Id != request.Id, cancellationToken))
            errors.Add("name", $"the team already has a judge named \"{cleaned.Name}\"");
        if (errors.Count > 0) return new JudgeSettingSave(null, errors.ToDictionary());

        var now = time.GetUtcNow().UtcDateTime;
        if (row is null)
        {
            row = new JudgeSetting { Id = Guid.NewGuid(), TeamId = team, Name = cleaned.Name, BaseUrl = cleaned.BaseUrl, Model = cleaned.Model, CreatedAt = now };
            db.JudgeSettings.Add(row);
        }
        row.Name = cleaned.Name;
        row.BaseUrl = cleaned.BaseUrl;
        row.Model = cleaned.Model;
        row.ProtectedApiKey = cleaned.ApiKey switch
        {
            null => row.ProtectedApiKey, // kept
            "" => null, // removed
            var key => keys.Protect(key),
        };
        row.MaxConcurrency = cleaned.MaxConcurrency;
        row.TimeoutSeconds = cleaned.TimeoutSeconds;
        row.MaxRetries = cleaned.MaxRetries;
        row.Temperature = cleaned.Temperature;
        row.UpdatedAt = now;
        try { await db.SaveChangesAsync(cancellationToken); }
        catch (DbUpdateException)
        {
            // The unique (team, name) index refused a judge of the same name saved at the same moment.
            await using var again = await contexts.CreateDbContextAsync(cancellationToken);
            if (await again.JudgeSettings.AnyAsync(j => j.TeamId == team && j.Name == cleaned.Name && j.Id != row.Id, cancellationToken))
                return Refused("name", $"the team already has a judge named \"{cleaned.Name}\"");
            throw;
        }
        return new JudgeSettingSave(View(row), new Dictionary<string, string[]>());
    }

    public async Task<bool> DeleteAsync(Guid judgeId, CancellationToken cancellationToken = default)
    {
        var team = (await scope.RequireAsync(TeamRoles.Editor, cancellationToken)).TeamId;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Runs that used the judge keep their judgements; their JudgeSettingId becomes null (ON DELETE SET NULL).
        return await db.JudgeSettings.Where(j => j.Id == judgeId && j.TeamId == team).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    public async Task<JudgeTestResult?> TestAsync(Guid judgeId, CancellationToken cancellationToken = default)
    {
        var team = (await scope.RequireAsync(TeamRoles.Editor, cancellationToken)).TeamId;
        JudgeSetting? setting;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            setting = await db.JudgeSettings.AsNoTracking().SingleOrDefaultAsync(j => j.Id == judgeId && j.TeamId == team, cancellationToken);
        if (setting is null) return null;

        OpenAiJudge judge;
        try { judge = judges.Create(setting); }
        catch (JudgeApiKeyUnreadableException e) { return new JudgeTestResult(nameof(JudgementStatus.Failed), null, "", e.Message, 0, 0, 0); }
        long started = time.GetTimestamp();
        var judgement = await judge.ScoreAsync(SampleRequest, cancellationToken);
        double seconds = time.GetElapsedTime(started).TotalSeconds;
        return new JudgeTestResult(judgement.Status.ToString(), judgement.Score, judgement.RawText, judgement.Detail,
            judgement.PromptTokens, judgement.CompletionTokens, Math.Round(seconds, 3));
    }

    static JudgeSettingSave Refused(string field, string problem) => new(null, new Dictionary<string, string[]> { [field] = [problem] });

    static JudgeSettingView View(JudgeSetting row) => new(row.Id, row.Name, row.BaseUrl, row.Model, row.ProtectedApiKey is not null,
        row.MaxConcurrency, row.TimeoutSeconds, row.MaxRetries, row.Temperature, row.UpdatedAt);
}

using SteerLab.Server.Data;
using SteerLab.Server.Tests.Accounts;

namespace SteerLab.Server.Tests.Judges;

/// <summary>What the authorisation matrix sends to <c>/api/judges</c>: team A's judges (a new one per probe, so every
/// caller finds one to change or delete) pointing at a closed loopback port with no retries, so that a permitted test
/// call fails fast instead of reaching anything.</summary>
public static class JudgeMatrixProbes
{
    const string ClosedEndpoint = "http://127.0.0.1:9/v1";

    /// <summary>A valid body for creating or changing a judge (a fresh name each time: names are unique in a team).</summary>
    public static object Body() => new
    {
        name = $"probe {Guid.NewGuid():N}", baseUrl = ClosedEndpoint, model = "probe-model", apiKey = "sk-probe", maxConcurrency = 1, timeoutSeconds = 2, maxRetries = 0,
    };

    public static async Task<Guid> TeamAJudgeAsync(AuthorizationMatrixFixture fixture)
    {
        await using var db = fixture.Server.CreateDbContext();
        var judge = new JudgeSetting
        {
            Id = Guid.NewGuid(), TeamId = fixture.TeamA, Name = $"team A judge {Guid.NewGuid():N}", BaseUrl = ClosedEndpoint, Model = "probe-model",
            MaxConcurrency = 1, TimeoutSeconds = 2, MaxRetries = 0, Temperature = 0, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.JudgeSettings.Add(judge);
        await db.SaveChangesAsync();
        return judge.Id;
    }
}

using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

/// <summary>Shares in memory: teams it knows by name, links with made-up tokens, and an optional refusal.</summary>
internal sealed class FakeVectorShareService : IVectorShareService
{
    public List<VectorShareView> Shares { get; } = [];
    public HashSet<string> Teams { get; } = new(StringComparer.OrdinalIgnoreCase) { "Team B" };
    public int LinksCreated { get; private set; }

    public Task<IReadOnlyList<VectorShareView>?> ListAsync(Guid vectorId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<VectorShareView>?>(Shares.OrderByDescending(s => s.CreatedAt).ToList());

    public Task<VectorShareView> ShareWithTeamAsync(Guid vectorId, string teamName, CancellationToken cancellationToken = default)
    {
        if (!Teams.Contains(teamName)) throw new ArgumentException($"there is no team called \"{teamName}\"");
        var share = new VectorShareView(Guid.NewGuid(), teamName, DateTime.UtcNow, "me@lab.test", null);
        Shares.Add(share);
        return Task.FromResult(share);
    }

    public Task<VectorShareLinkCreated> CreateLinkAsync(Guid vectorId, CancellationToken cancellationToken = default)
    {
        var share = new VectorShareView(Guid.NewGuid(), null, DateTime.UtcNow.AddSeconds(++LinksCreated), "me@lab.test", null);
        Shares.Add(share);
        return Task.FromResult(new VectorShareLinkCreated(share, VectorShareLinks.Page($"slv_token{LinksCreated}")));
    }

    public Task<bool> RevokeAsync(Guid shareId, CancellationToken cancellationToken = default)
    {
        int i = Shares.FindIndex(s => s.Id == shareId && s.RevokedAt is null);
        if (i < 0) return Task.FromResult(false);
        Shares[i] = Shares[i] with { RevokedAt = DateTime.UtcNow };
        return Task.FromResult(true);
    }

    public Task<VectorDetail?> OpenLinkAsync(string token, int topEntries = VectorDetail.DefaultTopEntries, CancellationToken cancellationToken = default) =>
        Task.FromResult<VectorDetail?>(null);

    public Task<VectorExport?> ExportLinkAsync(string token, CancellationToken cancellationToken = default) => Task.FromResult<VectorExport?>(null);
}

namespace SteerLab.Shared.Vectors;

/// <summary>Sharing a vector read-only: with another team (its members then list, read, export, compare and steer with
/// it, but cannot change or delete it), or by a link anyone holding it can open without signing in. The owning team's
/// editors share and revoke; every member of the owning team sees the shares. A revoked share is gone at once: the
/// team no longer sees the vector, the link answers 404.</summary>
public interface IVectorShareService
{
    /// <summary>The vector's shares, newest first (revoked ones too, marked). Null when the caller's team does not own
    /// such a vector.</summary>
    Task<IReadOnlyList<VectorShareView>?> ListAsync(Guid vectorId, CancellationToken cancellationToken = default);

    /// <summary>Shares with the team called <paramref name="teamName"/> (exactly, ignoring case). Editors only; the
    /// existing share when there is one. Throws <see cref="ArgumentException"/> naming the problem (no such team,
    /// several teams by that name, the caller's own team) and <see cref="KeyNotFoundException"/> for a vector the
    /// caller's team does not own.</summary>
    Task<VectorShareView> ShareWithTeamAsync(Guid vectorId, string teamName, CancellationToken cancellationToken = default);

    /// <summary>A new read-only link. Editors only; the link's token is in the answer and nowhere else (only its SHA-256
    /// is stored).</summary>
    Task<VectorShareLinkCreated> CreateLinkAsync(Guid vectorId, CancellationToken cancellationToken = default);

    /// <summary>Editors only. False when there is no such active share of a vector the caller's team owns.</summary>
    Task<bool> RevokeAsync(Guid shareId, CancellationToken cancellationToken = default);

    /// <summary>The vector behind a link, for anyone holding it (no sign-in); null when the token is unknown or revoked, or
    /// the vector is gone — one answer for all, so tokens cannot be probed.</summary>
    Task<VectorDetail?> OpenLinkAsync(string token, int topEntries = VectorDetail.DefaultTopEntries, CancellationToken cancellationToken = default);

    /// <summary>The document behind a link, as <see cref="OpenLinkAsync"/>.</summary>
    Task<VectorExport?> ExportLinkAsync(string token, CancellationToken cancellationToken = default);
}

/// <summary>One share of a vector.</summary>
/// <param name="TeamName">The team it is shared with; null for a link.</param>
/// <param name="CreatedBy">The e-mail address of who shared it.</param>
public sealed record VectorShareView(Guid Id, string? TeamName, DateTime CreatedAt, string CreatedBy, DateTime? RevokedAt)
{
    public bool IsLink => TeamName is null;
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A new link share with its path (<c>/shared/vectors/{token}</c>): the only time the token is shown.</summary>
public sealed record VectorShareLinkCreated(VectorShareView Share, string Path);

/// <summary>Where shared vectors are opened and downloaded without signing in.</summary>
public static class VectorShareLinks
{
    public const string TokenMarker = "slv_";
    /// <summary>The read-only page a link opens.</summary>
    public static string Page(string token) => $"/shared/vectors/{token}";
    /// <summary>The link's document download.</summary>
    public static string Export(string token) => $"/api/shared/vectors/{token}/export";
}

using Microsoft.AspNetCore.Identity;

namespace SteerLab.Server.Data;

/// <summary>A person who signs in (ASP.NET Core Identity's user, keyed by GUID). What they may see and do comes from
/// their team memberships (<see cref="TeamMember"/>); <see cref="IsAdministrator"/> marks the server's administrators
/// (the first one is created from configuration or the setup page).</summary>
public sealed class SteerLabUser : IdentityUser<Guid>
{
    public bool IsAdministrator { get; set; }
    /// <summary>The team the workbench shows; the user's oldest membership when unset or no longer a member.</summary>
    public Guid? ActiveTeamId { get; set; }
    public DateTime CreatedAt { get; set; }
}

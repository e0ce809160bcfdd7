namespace SteerLab.Shared.Accounts;

/// <summary>Whether the one-time setup page may still create the first administrator (no user yet, none configured).</summary>
public interface IAccountSetupState
{
    Task<bool> IsSetupOpenAsync(CancellationToken cancellationToken = default);
}

using SteerLab.Shared.Accounts;

namespace SteerLab.Server.Accounts;

/// <summary><see cref="IAccountSetupState"/> for the static sign-in and setup pages.</summary>
public sealed class AccountSetupState(IServiceProvider services) : IAccountSetupState
{
    public Task<bool> IsSetupOpenAsync(CancellationToken cancellationToken = default) => FirstAdministrator.IsSetupOpenAsync(services, cancellationToken);
}

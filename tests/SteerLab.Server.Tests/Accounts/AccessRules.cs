namespace SteerLab.Server.Tests.Accounts;

/// <summary>What a caller gets from an endpoint, as the matrix reads a response.</summary>
public enum Outcome
{
    /// <summary>Past the access checks: 2xx/3xx, or a 4xx about the input (400 validation, 409, 415, 422).</summary>
    Allowed,
    /// <summary>401.</summary>
    Unauthenticated,
    /// <summary>403.</summary>
    Forbidden,
    /// <summary>404, or a 400 saying "there is no …" for an id in the body: the object does not exist for this caller.</summary>
    NotFound,
    /// <summary>A page that redirects to the sign-in page.</summary>
    SignInRedirect,
    /// <summary>A page that renders (200) without showing team A's object asked for.</summary>
    Hidden,
}

/// <summary>The access rules of the matrix's table: each names what every caller gets. Team A's members are viewer,
/// reviewer, editor, owner and the owner's read-only key; the other team's editor and the administrator (a member of
/// the default team only) are outsiders to team A.</summary>
public sealed record AccessRule(string Name, IReadOnlyDictionary<MatrixCaller, Outcome> Expected)
{
    static AccessRule Of(string name, Outcome anonymous, Outcome viewerOrReviewerOrReadKey, Outcome editorOrOwner, Outcome outsider,
        Outcome? administrator = null) => new(name, new Dictionary<MatrixCaller, Outcome>
        {
            [MatrixCaller.Anonymous] = anonymous,
            [MatrixCaller.Viewer] = viewerOrReviewerOrReadKey,
            [MatrixCaller.Reviewer] = viewerOrReviewerOrReadKey,
            [MatrixCaller.OwnerReadKey] = viewerOrReviewerOrReadKey,
            [MatrixCaller.Editor] = editorOrOwner,
            [MatrixCaller.Owner] = editorOrOwner,
            [MatrixCaller.OtherTeamEditor] = outsider,
            [MatrixCaller.Administrator] = administrator ?? outsider,
        });

    /// <summary>Anyone, signed in or not (the sign-in forms, Blazor's own endpoints, static files).</summary>
    public static readonly AccessRule Public = Of("public", Outcome.Allowed, Outcome.Allowed, Outcome.Allowed, Outcome.Allowed);
    /// <summary>The static-file fallback: a missing file is 404 for signed-in callers. Anonymous callers get the sign-in
    /// page with status 200 (the 404 is re-executed as the /not-found page, which needs a sign-in) — known, harmless
    /// (nothing is revealed), but a missing file should stay 404 for them too.</summary>
    public static readonly AccessRule PublicMissingFile = Of("public (missing file)", Outcome.Allowed, Outcome.NotFound, Outcome.NotFound, Outcome.NotFound);
    /// <summary>Any signed-in caller, about their own team (lists, checks that store nothing, the model catalogue).</summary>
    public static readonly AccessRule SignedIn = Of("signed in", Outcome.Unauthenticated, Outcome.Allowed, Outcome.Allowed, Outcome.Allowed);
    /// <summary>Reading one of team A's objects named in the route or the body: members (any role, read keys too); to
    /// everyone else it does not exist.</summary>
    public static readonly AccessRule TeamRead = Of("team read", Outcome.Unauthenticated, Outcome.Allowed, Outcome.Allowed, Outcome.NotFound);
    /// <summary>Changing one of team A's objects, or starting work on them: editors and owners; viewers, reviewers and
    /// read keys 403; to outsiders it does not exist.</summary>
    public static readonly AccessRule TeamWrite = Of("team write", Outcome.Unauthenticated, Outcome.Forbidden, Outcome.Allowed, Outcome.NotFound);
    /// <summary>Scoring one of team A's runs blind: reviewers, editors and owners; viewers and read keys 403; to outsiders it
    /// does not exist.</summary>
    public static readonly AccessRule TeamReview = new("team review", new Dictionary<MatrixCaller, Outcome>
    {
        [MatrixCaller.Anonymous] = Outcome.Unauthenticated, [MatrixCaller.Viewer] = Outcome.Forbidden, [MatrixCaller.Reviewer] = Outcome.Allowed,
        [MatrixCaller.OwnerReadKey] = Outcome.Forbidden, [MatrixCaller.Editor] = Outcome.Allowed, [MatrixCaller.Owner] = Outcome.Allowed,
        [MatrixCaller.OtherTeamEditor] = Outcome.NotFound, [MatrixCaller.Administrator] = Outcome.NotFound,
    });
    /// <summary>Creating something in the caller's own team: editors and owners of any team.</summary>
    public static readonly AccessRule Create = Of("create in own team", Outcome.Unauthenticated, Outcome.Forbidden, Outcome.Allowed, Outcome.Allowed);
    /// <summary>What affects every team (the engine's memory): the server administrator with a write key only.</summary>
    public static readonly AccessRule Administrator = Of("server administrator", Outcome.Unauthenticated, Outcome.Forbidden, Outcome.Forbidden,
        Outcome.Forbidden, administrator: Outcome.Allowed);
    /// <summary>The engine hub: worker-scope keys only (none of the matrix's callers).</summary>
    public static readonly AccessRule EngineWorker = Of("engine worker key", Outcome.Unauthenticated, Outcome.Forbidden, Outcome.Forbidden, Outcome.Forbidden);
    /// <summary>A workbench page: people who are signed in; anyone else goes to the sign-in page.</summary>
    public static readonly AccessRule Page = Of("page", Outcome.SignInRedirect, Outcome.Allowed, Outcome.Allowed, Outcome.Allowed);
    /// <summary>A page showing one of team A's objects: members see it, outsiders get the page without it.</summary>
    public static readonly AccessRule TeamPage = Of("page of a team object", Outcome.SignInRedirect, Outcome.Allowed, Outcome.Allowed, Outcome.Hidden);
    /// <summary>The sign-in and setup pages.</summary>
    public static readonly AccessRule PublicPage = Of("public page", Outcome.Allowed, Outcome.Allowed, Outcome.Allowed, Outcome.Allowed);
}

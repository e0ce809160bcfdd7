// Why this test exists
// --------------------
// TorchSharp's Scalar is a class holding a pointer to a native c10::Scalar, freed by its finalizer; dispose scopes do
// not track it. `x.add_(1e-5)`, `x * 0.5`, `t.pow(2)`, `m.masked_fill(mask, float.NegativeInfinity)` each create a
// temporary Scalar through an implicit conversion. Once TorchSharp has read its handle the object is unreachable, so a
// garbage collection triggered by ANOTHER thread (a busy server: Blazor circuits, request threads) during the native
// call can run the finalizer and free the c10::Scalar while libtorch still reads it: "Expected false to be true ...
// raised from toFloat at c10/core/Scalar.h" (a garbage tag), or silently wrong numbers. Some TorchSharp members create
// such a Scalar themselves: `Tensor + Tensor` and `Tensor.add(Tensor)` (an implicit alpha of 1), `(float)tensor`
// (Tensor.ToScalar()), `square()`, `elu`, `vector_norm(x, double)` ... (found from TorchSharp's IL by
// TorchSharpScalarFactories). Upstream: dotnet/TorchSharp PRs #1434 and #1496 (open as of TorchSharp 0.107).
//
// The engine therefore creates every Scalar itself with a lifetime that provably covers the native call: a
// `using var s = value.ToScalar();` local (the using keeps it reachable until Dispose), a field of a long-lived owner,
// or the process-lifetime constants in SteerLab.Engine.Models.TorchScalars. This test compiles the engine's sources
// with Roslyn and fails, naming file:line, on (1) any conversion to TorchSharp.Scalar through its user-defined
// operators, (2) any call of a TorchSharp member that creates an undisposed Scalar internally, and (3) any
// ToScalar()/Tensor.ToScalar() whose result is not owned by a using declaration, a field or a property.
// ScalarLifetimeTests reproduces the failure itself under GC pressure.

using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using TorchSharp;

namespace SteerLab.Engine.Tests.Threading;

public class NoImplicitScalarsTests
{
    static readonly string EngineFolder = Path.Combine(SharedData.RepositoryRoot, "src", "SteerLab.Engine");

    // Errors that only mean "a source generator did not run here" ([GeneratedRegex] partial methods): they leave
    // the rest of the semantic model intact.
    static readonly HashSet<string> GeneratorOnlyErrors = ["CS8795"];

    // Racy TorchSharp members the engine still calls, each with the reason it is accepted.
    static readonly Dictionary<string, string> Accepted = new()
    {
        // Optimizers build their Scalars inside step(); re-implementing AdamW bit for bit is not worth it while
        // training runs only in CLI processes (train-sae, train-demo) that have no other thread allocating.
        ["TorchSharp.Modules.AdamW.step(Func`1)"] = "training runs only in the CLI",
    };

    [Fact]
    public void EngineSources_CreateNoScalarThatTheFinalizerCouldFreeMidCall()
    {
        var compilation = CompileEngine();
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !GeneratorOnlyErrors.Contains(d.Id)).Take(10).ToList();
        Assert.True(errors.Count == 0, "The guard could not compile the engine's sources, so it cannot check them:\n" + string.Join("\n", errors));

        var scalarType = compilation.GetTypeByMetadataName(typeof(Scalar).FullName!)!;
        var offenders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var operation in TopLevelOperations(model, tree.GetRoot()))
                foreach (var op in operation.DescendantsAndSelf())
                    if (Problem(op, scalarType) is { } problem)
                        offenders.Add($"{Location(op.Syntax)}: {problem}");
        }
        Assert.True(offenders.Count == 0,
            $"{offenders.Count} place(s) in the engine create a TorchSharp Scalar that the finalizer may free while libtorch reads it " +
            "(see the comment at the top of this test). Create it with `using var s = value.ToScalar();`, own it in a field, " +
            "or use SteerLab.Engine.Models.TorchScalars:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Guard_FlagsEachKindOfRacyScalar()
    {
        const string source = """
            using TorchSharp;
            using static TorchSharp.torch;
            static class Sample
            {
                static Scalar one = 1.ToScalar();
                static void Racy(Tensor x, Tensor y)
                {
                    x.add_(1e-5);                  // implicit conversion
                    var z = x + y;                 // Tensor + Tensor: implicit alpha inside TorchSharp
                    float f = (float)x;            // Tensor.ToScalar() inside TorchSharp
                    x.mul_(3.ToScalar());          // ToScalar() not owned by anyone
                }
                static void Safe(Tensor x, Tensor y)
                {
                    using var eps = 1e-5.ToScalar();
                    x.add_(eps, one).mul_(eps);          // add_(Scalar) alone passes an implicit alpha
                    var z = x - y;
                    float f = x.item<float>();
                }
            }
            """;
        var compilation = CSharpCompilation.Create("Sample", [CSharpSyntaxTree.ParseText(source, path: "Sample.cs")], References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var model = compilation.GetSemanticModel(compilation.SyntaxTrees[0]);
        var scalarType = compilation.GetTypeByMetadataName(typeof(Scalar).FullName!)!;
        var lines = TopLevelOperations(model, compilation.SyntaxTrees[0].GetRoot())
            .SelectMany(o => o.DescendantsAndSelf())
            .Where(op => Problem(op, scalarType) is not null)
            .Select(op => op.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1)
            .Distinct().Order().ToArray();
        Assert.Equal([8, 9, 10, 11], lines);
    }

    static string? Problem(IOperation op, INamedTypeSymbol scalarType)
    {
        switch (op)
        {
            case IConversionOperation { OperatorMethod: { } conversion } when SymbolEqualityComparer.Default.Equals(conversion.ContainingType, scalarType):
                return $"implicit Scalar from {op.Syntax} ({conversion.Parameters[0].Type.ToDisplayString()})";
            case IInvocationOperation invocation when ReturnsScalar(invocation.TargetMethod, scalarType) && !IsOwned(invocation):
                return $"{invocation.TargetMethod.Name}() result not owned by a using declaration or a field";
        }
        var member = op switch
        {
            IInvocationOperation i => i.TargetMethod,
            IBinaryOperation b => b.OperatorMethod,
            IUnaryOperation u => u.OperatorMethod,
            ICompoundAssignmentOperation c => c.OperatorMethod,
            IIncrementOrDecrementOperation d => d.OperatorMethod,
            IConversionOperation c => c.OperatorMethod,
            IObjectCreationOperation o => o.Constructor,
            IMethodReferenceOperation m => m.Method,
            IPropertyReferenceOperation p => p.Property.GetMethod,
            _ => null,
        };
        if (member is null || member.ContainingAssembly?.Name != "TorchSharp") return null;
        string key = Key(member);
        return TorchSharpScalarFactories.RacyMembers.Contains(key) && !Accepted.ContainsKey(key) ? $"{key} creates a Scalar internally and leaves it to the finalizer" : null;
    }

    static bool ReturnsScalar(IMethodSymbol method, INamedTypeSymbol scalarType) =>
        method.ContainingAssembly?.Name == "TorchSharp" && SymbolEqualityComparer.Default.Equals(method.ReturnType, scalarType);

    /// <summary>The Scalar goes straight into a using declaration/statement, a field or a property.</summary>
    static bool IsOwned(IOperation op)
    {
        var parent = op.Parent;
        while (parent is IConversionOperation { IsImplicit: true }) parent = parent.Parent;
        return parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: var declarationParent } } } =>
                declarationParent is IUsingOperation or IVariableDeclarationGroupOperation { Parent: IUsingDeclarationOperation or IUsingOperation },
            IFieldInitializerOperation or IPropertyInitializerOperation => true,
            ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } => true,
            _ => false,
        };
    }

    /// <summary>The same key as <see cref="TorchSharpScalarFactories.Key"/>, from a Roslyn symbol.</summary>
    static string Key(IMethodSymbol method)
    {
        method = (method.ReducedFrom ?? method).OriginalDefinition;
        return $"{TypeName(method.ContainingType)}.{method.MetadataName}({string.Join(", ", method.Parameters.Select(p => ShortName(p.Type)))})";
    }

    static string TypeName(INamedTypeSymbol type) => type.ContainingType is { } outer
        ? $"{TypeName(outer)}+{type.MetadataName}"
        : type.ContainingNamespace.IsGlobalNamespace ? type.MetadataName : $"{type.ContainingNamespace.ToDisplayString()}.{type.MetadataName}";

    static string ShortName(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => ShortName(array.ElementType) + (array.Rank == 1 ? "[]" : $"[{new string(',', array.Rank - 1)}]"),
        IPointerTypeSymbol pointer => ShortName(pointer.PointedAtType) + "*",
        _ => type.MetadataName,
    };

    /// <summary>The outermost operations of the tree: each syntax node that has an operation, not descending further.</summary>
    static IEnumerable<IOperation> TopLevelOperations(SemanticModel model, SyntaxNode node)
    {
        if (model.GetOperation(node) is { } operation) { yield return operation; yield break; }
        foreach (var child in node.ChildNodes())
            foreach (var found in TopLevelOperations(model, child)) yield return found;
    }

    static string Location(SyntaxNode node)
    {
        var span = node.GetLocation().GetLineSpan();
        return $"{Path.GetRelativePath(SharedData.RepositoryRoot, span.Path)}:{span.StartLinePosition.Line + 1}";
    }

    static CSharpCompilation CompileEngine()
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var files = Directory.EnumerateFiles(EngineFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !InBuildOutput(f))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f, Encoding.UTF8), options, f))
            .ToList();
        Assert.True(files.Count > 50, $"Found only {files.Count} engine sources under {EngineFolder}.");
        // What <ImplicitUsings>enable</ImplicitUsings> adds to an SDK project.
        files.Add(CSharpSyntaxTree.ParseText("""
            global using System;
            global using System.Collections.Generic;
            global using System.IO;
            global using System.Linq;
            global using System.Net.Http;
            global using System.Threading;
            global using System.Threading.Tasks;
            """, options, "ImplicitUsings.g.cs"));
        return CSharpCompilation.Create("SteerLab.Engine", files, References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
    }

    static bool InBuildOutput(string file)
    {
        var relative = Path.GetRelativePath(EngineFolder, file).Split(Path.DirectorySeparatorChar);
        return relative[0] is "bin" or "obj";
    }

    /// <summary>Everything this test process runs with: the framework plus the engine's own dependencies
    /// (TorchSharp, SteerLab.Shared, tokenizers, ...), which the test project references through the engine.</summary>
    static IEnumerable<MetadataReference> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !string.IsNullOrEmpty(p) && !Path.GetFileName(p).StartsWith("SteerLab.Engine", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p));
}

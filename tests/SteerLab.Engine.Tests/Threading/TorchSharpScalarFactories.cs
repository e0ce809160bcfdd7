using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace SteerLab.Engine.Tests.Threading;

/// <summary>Reads the IL of the TorchSharp assembly the engine runs with and finds the public members that create a
/// <see cref="Scalar"/> internally and leave it to the finalizer (e.g. <c>Tensor.add(Tensor)</c> passes an implicit
/// <c>Scalar</c> alpha of 1, <c>Tensor + Tensor</c> calls it, <c>(float)tensor</c> goes through
/// <c>Tensor.ToScalar()</c>). Such a Scalar is unreachable once its handle has been read, so a collection triggered
/// by another thread can free it while libtorch still reads it. Computed from the IL rather than listed by hand so
/// that a TorchSharp upgrade updates the list: a member drops out once it disposes every Scalar it creates.</summary>
static class TorchSharpScalarFactories
{
    const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
    static readonly Lazy<IReadOnlySet<string>> racyMembers = new(FindRacyMembers);
    static readonly Dictionary<short, OpCode> opCodes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>Keys (<see cref="Key(MethodBase)"/>) of the public TorchSharp members that create an undisposed
    /// Scalar, directly or through the TorchSharp methods they call, and do not return it.</summary>
    public static IReadOnlySet<string> RacyMembers => racyMembers.Value;

    /// <summary>"Declaring.Type+Nested.Name(ParamType, ...)": the same key is built from Roslyn symbols.</summary>
    public static string Key(MethodBase m)
    {
        var type = m.DeclaringType!;
        if (type.IsGenericType) type = type.GetGenericTypeDefinition();
        return $"{type.FullName}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name.TrimEnd('&')))})";
    }

    static IReadOnlySet<string> FindRacyMembers()
    {
        var assembly = typeof(Scalar).Assembly;
        var callees = new Dictionary<MethodBase, List<MethodBase>>();
        var racy = new HashSet<MethodBase>();
        foreach (var type in assembly.GetTypes())
            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                var called = CalledMethods(method);
                callees[method] = called;
                // A method that returns the Scalar it makes is a factory: its caller owns the result.
                bool returnsScalar = method is MethodInfo mi && mi.ReturnType == typeof(Scalar);
                if (type == typeof(Scalar) || returnsScalar) continue;
                int created = called.Count(c => c is MethodInfo ci && ci.ReturnType == typeof(Scalar) || c.IsConstructor && c.DeclaringType == typeof(Scalar));
                int disposed = called.Count(c => c.DeclaringType == typeof(Scalar) && c.Name == nameof(Scalar.Dispose)
                    || c.DeclaringType == typeof(GC) && c.Name == nameof(GC.KeepAlive));
                if (created > disposed) racy.Add(method);
            }
        // Whatever calls a racy method is racy too.
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var (method, called) in callees)
                if (!racy.Contains(method) && !(method is MethodInfo mi && mi.ReturnType == typeof(Scalar)) && called.Any(racy.Contains))
                    grew = racy.Add(method) | grew;
        }
        return racy.Where(IsPublicSurface).Select(Key).ToHashSet();
    }

    static bool IsPublicSurface(MethodBase m)
    {
        if (!(m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly)) return false;
        for (var t = m.DeclaringType; t is not null; t = t.DeclaringType)
            if (!(t.IsPublic || t.IsNestedPublic)) return false;
        return true;
    }

    /// <summary>Targets of call, callvirt, newobj and ldftn in the method body.</summary>
    static List<MethodBase> CalledMethods(MethodBase method)
    {
        var result = new List<MethodBase>();
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException) { return result; }
        if (il is null) return result;
        var typeArgs = method.DeclaringType!.IsGenericType ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            var op = il[i] == 0xFE ? opCodes[(short)(0xFE00 | il[i + 1])] : opCodes[il[i]];
            i += op.Size;
            if (op.OperandType == OperandType.InlineMethod)
            {
                try
                {
                    if (method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs) is { } callee) result.Add(callee);
                }
                catch (Exception e) when (e is ArgumentException or TypeLoadException or MissingMemberException or BadImageFormatException) { }
            }
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
        return result;
    }
}

// Marks chosen symbol-version requirements of an ELF64 shared library as weak (VER_FLG_WEAK).
//
// Why: TorchSharp's libLibTorchSharp.so asks for GLIBCXX_3.4.32 for a single symbol
// (std::ios_base_library_init) that is never called. libstdc++ on Debian 12 stops at 3.4.30, so the
// dynamic loader refuses the library. glibc treats a missing *weak* version as non-fatal, so setting
// the 0x2 flag on that one Vernaux entry in .gnu.version_r makes the library load. This file is
// compiled into an MSBuild task (build/LibTorchSharpGlibcxxFix.targets) and into the engine tests.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
#if !ELF_PATCHER_ONLY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace SteerLab.Build
{
    public static class ElfWeakVersionPatcher
    {
        public const ushort VerFlagWeak = 0x2;
        const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>One version requirement found in .gnu.version_r.</summary>
        public sealed class VersionNeed
        {
            public string Library = "";
            public string Version = "";
            public ushort Flags;
            public long FlagsOffset;
            public bool IsWeak => (Flags & VerFlagWeak) != 0;
        }

        /// <summary>Lists every version requirement of an ELF64 little-endian file.</summary>
        public static List<VersionNeed> ReadVersionNeeds(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
            if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > elf.Length)
                throw new InvalidDataException("section header table lies outside the file");
            var needs = new List<VersionNeed>();
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
                long offset = (long)U64(elf, sh + 0x18);
                uint link = U32(elf, sh + 0x28);
                uint count = U32(elf, sh + 0x2C); // sh_info = number of Verneed entries
                if (link >= shnum) throw new InvalidDataException(".gnu.version_r links to a missing string table");
                long strtab = (long)U64(elf, shoff + (long)link * shentsize + 0x18);
                long need = offset;
                for (uint n = 0; n < count; n++)
                {
                    Check(elf, need, 16);
                    int auxCount = U16(elf, need + 2);
                    string library = CString(elf, strtab + U32(elf, need + 4));
                    long aux = need + U32(elf, need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        Check(elf, aux, 16);
                        needs.Add(new VersionNeed
                        {
                            Library = library,
                            Version = CString(elf, strtab + U32(elf, aux + 8)),
                            Flags = U16(elf, aux + 4),
                            FlagsOffset = aux + 4,
                        });
                        uint nextAux = U32(elf, aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(elf, need + 12);
                    if (next == 0) break;
                    need += next;
                }
            }
            return needs;
        }

        /// <summary>Sets the weak flag on every requirement named in <paramref name="versions"/>.
        /// Returns how many entries changed (0 when the file was already patched or never needed it).</summary>
        public static int MarkWeak(string path, ICollection<string> versions)
        {
            byte[] elf = File.ReadAllBytes(path);
            int changed = 0;
            foreach (var need in ReadVersionNeeds(elf))
            {
                if (!versions.Contains(need.Version) || need.IsWeak) continue;
                ushort flags = (ushort)(need.Flags | VerFlagWeak);
                elf[need.FlagsOffset] = (byte)flags;
                elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
                changed++;
            }
            if (changed > 0)
            {
                string temp = path + ".patching";
                File.WriteAllBytes(temp, elf);
                File.Delete(path); // netstandard2.0 (the MSBuild task host) has no File.Move overwrite
                File.Move(temp, path);
            }
            return changed;
        }

        static void Check(byte[] b, long at, int length)
        {
            if (at < 0 || at + length > b.Length) throw new InvalidDataException($"ELF structure at offset {at} runs past the end of the file");
        }
        static ushort U16(byte[] b, long at) { Check(b, at, 2); return BitConverter.ToUInt16(b, (int)at); }
        static uint U32(byte[] b, long at) { Check(b, at, 4); return BitConverter.ToUInt32(b, (int)at); }
        static ulong U64(byte[] b, long at) { Check(b, at, 8); return BitConverter.ToUInt64(b, (int)at); }
        static string CString(byte[] b, long at)
        {
            Check(b, at, 1);
            long end = at;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)at, (int)(end - at));
        }
    }

#if !ELF_PATCHER_ONLY
    /// <summary>MSBuild task (compiled by RoslynCodeTaskFactory at build time; the tests compile
    /// this file with ELF_PATCHER_ONLY and exercise the patcher directly).</summary>
    public class MarkElfVersionsWeak : Microsoft.Build.Utilities.Task
    {
        [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
        [Required] public string Versions { get; set; } = "";

        public override bool Execute()
        {
            var versions = new HashSet<string>(Versions.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries));
            foreach (var file in Files)
            {
                int changed = ElfWeakVersionPatcher.MarkWeak(file.ItemSpec, versions);
                if (changed > 0)
                    Log.LogMessage(MessageImportance.High, $"SteerLab: marked {changed} symbol-version requirement(s) weak in {file.ItemSpec}");
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}

"""A synthetic GB-sized postcode file in the NSPL layout (unique, well-formed postcodes; one in
five terminated), for measuring `local-atlas import postcodes` at national scale:
    python3 tools/gen_nspl_synthetic.py 2600000 nspl_gb_synthetic.csv
    /usr/bin/time -v local-atlas import postcodes WS.gpkg nspl_gb_synthetic.csv
"""
import itertools, string, sys, random
n = int(sys.argv[1]); out = sys.argv[2]
L = string.ascii_uppercase
random.seed(7)
with open(out, "w") as f:
    f.write("pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,laua,ward,lsoa11\n")
    k = 0
    for a, b in itertools.product(L, L):
        for d in range(1, 100):
            outward = f"{a}{b}{d}"
            for i in range(10):
                for x, y in itertools.product(L, L):
                    if k >= n: break
                    inward = f"{i}{x}{y}"
                    pcds = f"{outward} {inward}"
                    pcd = f"{outward:<4}{inward}"
                    pcd2 = f"{outward:<5}{inward}"
                    term = "202001" if k % 5 == 0 else ""
                    e = 100000 + (k * 37) % 500000; nn = 100000 + (k * 53) % 800000
                    f.write(f'"{pcd}","{pcd2}","{pcds}","199001","{term}","0","{e}","{nn}","1","E08000010","E05000861","E01006369"\n')
                    k += 1
                if k >= n: break
            if k >= n: break
        if k >= n: break
print(k)
